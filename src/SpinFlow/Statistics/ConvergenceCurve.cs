namespace SpinFlow.Statistics;

/// <summary>
/// A chain-averaged observable against sampler step (e.g. ⟨m²⟩ versus latent-HMC step, paper Fig. 4), with error bars
/// from the spread over independent chains, and the step from which it agrees with a reference value.
/// </summary>
/// <param name="Mean">Mean over chains at each step (entry 0: the starting points).</param>
/// <param name="Error">Standard error of that mean from the spread over chains (NaN for one chain).</param>
/// <param name="ConvergedStep">See <see cref="Analyze"/>; null when the curve never settles on the reference.</param>
/// <param name="BlockSize">Spacing of the candidate steps tested for <paramref name="ConvergedStep"/>.</param>
public sealed record ConvergenceCurve(double[] Mean, double[] Error, int? ConvergedStep, int BlockSize)
{
    /// <summary>Agreement threshold in combined standard deviations.</summary>
    public const double Sigmas = 2.0;

    /// <summary>
    /// Analyses <paramref name="chainTrace"/> (step-major: value of chain c at step t at [t·chains + c]) against
    /// <paramref name="reference"/> (mean ± error).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Converged step t*: the steps are cut into consecutive blocks of <paramref name="blockSize"/> (the last block takes
    /// the remainder). A block's average A is the mean over chains of each chain's average over the block; its error comes
    /// from the spread of those per-chain averages, which is honest whatever the autocorrelation inside a chain because the
    /// chains are independent. t* is the first step of the earliest block from which every block to the end satisfies
    /// |A − ref| ≤ 2σ, σ² = error(A)² + error(ref)². Block averages rather than single steps keep the test sensitive to a
    /// small bias (the error shrinks with the block) while still locating where the curve settles.
    /// </para>
    /// <para>
    /// Caveat: even a converged curve leaves a 2σ band in about 5 % of the blocks, so with many blocks a late chance
    /// excursion can push t* later than the true relaxation (with 25 blocks, some block is outside in roughly 70 % of fully
    /// converged runs, most often not the last one). Read t* together with the plot. Null when the last block is off.
    /// </para>
    /// </remarks>
    public static ConvergenceCurve Analyze(ReadOnlySpan<double> chainTrace, int chains, Estimate reference, int blockSize)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (chainTrace.Length == 0 || chainTrace.Length % chains != 0)
            throw new ArgumentException($"trace length {chainTrace.Length} is not a positive multiple of {chains} chains", nameof(chainTrace));
        if (blockSize < 1) throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "block size must be at least 1");
        int steps = chainTrace.Length / chains;
        var mean = new double[steps];
        var error = new double[steps];
        for (int t = 0; t < steps; t++)
            (mean[t], error[t]) = MeanAndError(chainTrace.Slice(t * chains, chains));

        int blocks = Math.Max(1, steps / blockSize);
        var average = new double[chains];
        int? converged = null;
        for (int k = blocks - 1; k >= 0; k--)
        {
            int from = k * blockSize, to = k == blocks - 1 ? steps : from + blockSize;
            Array.Clear(average);
            for (int t = from; t < to; t++)
                for (int c = 0; c < chains; c++) average[c] += chainTrace[t * chains + c];
            for (int c = 0; c < chains; c++) average[c] /= to - from;
            var (a, e) = MeanAndError(average);
            double sigma = Math.Sqrt(e * e + reference.Error * reference.Error);
            if (!(Math.Abs(a - reference.Mean) <= Sigmas * sigma)) break;
            converged = from;
        }
        return new ConvergenceCurve(mean, error, converged, blockSize);
    }

    private static (double Mean, double Error) MeanAndError(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double x in v) m += x;
        m /= v.Length;
        if (v.Length < 2) return (m, double.NaN);
        double s = 0;
        foreach (double x in v) s += (x - m) * (x - m);
        return (m, Math.Sqrt(s / (v.Length - 1) / v.Length));
    }
}
