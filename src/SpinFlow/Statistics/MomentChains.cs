namespace SpinFlow.Statistics;

/// <summary>
/// Per-chain series of the moments behind <see cref="IsingObservables"/> (e, e², m², |m|, m⁴, or their improved
/// estimators), one array per independent chain, in measurement order.
/// </summary>
public sealed record MomentChains(
    IReadOnlyList<double[]> Energy,
    IReadOnlyList<double[]> Energy2,
    IReadOnlyList<double[]> M2,
    IReadOnlyList<double[]> AbsM,
    IReadOnlyList<double[]> M4)
{
    /// <summary>Number of chains.</summary>
    public int Chains => Energy.Count;

    /// <summary>One chain from per-measurement e and m = M/N.</summary>
    public static MomentChains OfOneChain(ReadOnlySpan<double> energy, ReadOnlySpan<double> magnetization)
    {
        int n = energy.Length;
        var (e, e2, m2, am, m4) = (energy.ToArray(), new double[n], new double[n], new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            double m = magnetization[i];
            e2[i] = e[i] * e[i];
            m2[i] = m * m;
            am[i] = Math.Abs(m);
            m4[i] = m2[i] * m2[i];
        }
        return new MomentChains([e], [e2], [m2], [am], [m4]);
    }

    /// <summary>Chains stored back to back: chain c holds <paramref name="counts"/>[c] values from the running offset.</summary>
    public static MomentChains OfBackToBack(double[] e, double[] e2, double[] m2, double[] absM, double[] m4, IReadOnlyList<int> counts)
    {
        double[][] Split(double[] s)
        {
            var parts = new double[counts.Count][];
            int offset = 0;
            for (int c = 0; c < counts.Count; c++)
            {
                parts[c] = s.AsSpan(offset, counts[c]).ToArray();
                offset += counts[c];
            }
            return parts;
        }
        return new MomentChains(Split(e), Split(e2), Split(m2), Split(absM), Split(m4));
    }

    /// <summary>Chains interleaved step by step: chain c at step t is at [t·chains + c].</summary>
    public static MomentChains OfStepMajor(IReadOnlyList<double> e, IReadOnlyList<double> e2, IReadOnlyList<double> m2,
        IReadOnlyList<double> absM, IReadOnlyList<double> m4, int chains) =>
        new(ConvergenceDiagnostics.ChainsOf(e, chains), ConvergenceDiagnostics.ChainsOf(e2, chains), ConvergenceDiagnostics.ChainsOf(m2, chains),
            ConvergenceDiagnostics.ChainsOf(absM, chains), ConvergenceDiagnostics.ChainsOf(m4, chains));
}
