namespace SpinFlow.Statistics;

/// <summary>Blocked jackknife for quantities derived from several means (specific heat, susceptibility, Binder cumulant).</summary>
public static class Jackknife
{
    /// <summary>Target number of jackknife blocks when the series is long enough.</summary>
    public const int DefaultBlocks = 64;

    /// <summary>
    /// Estimates f(⟨x₁⟩, …, ⟨x_k⟩) from k equally long series. Blocks are at least
    /// <paramref name="blockLength"/> measurements long (take several τ_int so that blocks are independent).
    /// The returned τ is the effective integrated autocorrelation time of the derived quantity,
    /// ½·(blocked error / unblocked error)², which shows how much correlation the blocking absorbed.
    /// </summary>
    public static Estimate Derived(IReadOnlyList<double[]> series, Func<double[], double> f, int blockLength)
    {
        if (series.Count == 0) throw new ArgumentException("no series", nameof(series));
        int n = series[0].Length;
        foreach (var s in series)
            if (s.Length != n) throw new ArgumentException("all series must have the same length", nameof(series));
        if (n < 2) throw new ArgumentException("jackknife needs at least 2 measurements", nameof(series));
        blockLength = Math.Clamp(blockLength, 1, n / 2);
        int blocks = n / blockLength;
        if (blocks > DefaultBlocks) blocks = DefaultBlocks;
        var (value, err) = Blocked(series, f, blocks);
        var (_, err1) = Blocked(series, f, n);
        double tau = err1 > 0 ? 0.5 * (err / err1) * (err / err1) : 0.5;
        return new Estimate(value, err, tau);
    }

    private static (double Value, double Error) Blocked(IReadOnlyList<double[]> series, Func<double[], double> f, int blocks)
    {
        int k = series.Count;
        int n = series[0].Length;
        int used = n / blocks * blocks;
        int len = used / blocks;
        var blockSums = new double[blocks, k];
        var total = new double[k];
        for (int q = 0; q < k; q++)
        {
            var s = series[q];
            for (int b = 0; b < blocks; b++)
            {
                double acc = 0;
                for (int i = b * len; i < (b + 1) * len; i++) acc += s[i];
                blockSums[b, q] = acc;
                total[q] += acc;
            }
        }
        var means = new double[k];
        for (int q = 0; q < k; q++) means[q] = total[q] / used;
        double full = f(means);
        var leaveOut = new double[blocks];
        double avg = 0;
        for (int b = 0; b < blocks; b++)
        {
            for (int q = 0; q < k; q++) means[q] = (total[q] - blockSums[b, q]) / (used - len);
            leaveOut[b] = f(means);
            avg += leaveOut[b];
        }
        avg /= blocks;
        double var = 0;
        foreach (double v in leaveOut) var += (v - avg) * (v - avg);
        double error = Math.Sqrt((blocks - 1.0) / blocks * var);
        // Bias-corrected jackknife estimate.
        double value = blocks * full - (blocks - 1) * avg;
        return (value, error);
    }
}
