using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

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
    /// Converged step t*: the tail average from t to the last step, A(t) = mean over chains of each chain's average over
    /// steps t…T, has an honest error from the spread of those per-chain averages (the chains are independent, so
    /// autocorrelation inside a chain needs no model). t* is the smallest candidate t (multiples of
    /// <paramref name="blockSize"/>, each tail at least one block long) such that |A(t′) − ref| ≤ 2σ(t′) for every
    /// candidate t′ ≥ t, with σ² = error(A)² + error(ref)². Discarding the first t* steps then leaves no bias detectable
    /// at 2σ.
    /// </para>
    /// <para>
    /// Why tail averages and not the curve point by point: once converged, single steps still leave a 2σ band about
    /// 5 % of the time, so "every later step within 2σ" would be decided by the last random excursion, not by
    /// convergence. Tail averages of neighbouring candidates share most of their steps and are far less noisy. A curve
    /// whose tail averages all agree (including t = 0) reports 0; one that is still off at the last candidate reports null.
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

        // Per-chain suffix sums give every tail average in O(steps × chains).
        var suffix = new double[(steps + 1) * chains];
        for (int t = steps - 1; t >= 0; t--)
            for (int c = 0; c < chains; c++)
                suffix[t * chains + c] = suffix[(t + 1) * chains + c] + chainTrace[t * chains + c];
        var tail = new double[chains];
        int? converged = null;
        for (int t = (steps - blockSize) / blockSize * blockSize; t >= 0; t -= blockSize)
        {
            for (int c = 0; c < chains; c++) tail[c] = suffix[t * chains + c] / (steps - t);
            var (a, e) = MeanAndError(tail);
            double sigma = Math.Sqrt(e * e + reference.Error * reference.Error);
            if (!(Math.Abs(a - reference.Mean) <= Sigmas * sigma)) break;
            converged = t;
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
