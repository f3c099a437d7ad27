namespace SpinFlow.Statistics;

/// <summary>The standard table of Ising thermal averages, each with error bar and τ_int (in measurements).</summary>
public sealed record IsingObservables(
    Estimate Energy,
    Estimate SpecificHeat,
    Estimate M2,
    Estimate AbsM,
    Estimate Susceptibility,
    Estimate Binder)
{
    /// <summary>
    /// Analyses per-measurement series of e = H/N and m = M/N taken at temperature <paramref name="temperature"/>
    /// on N = <paramref name="sites"/> sites. Plain means use Sokal's τ_int; c, χ and U₄ use a blocked jackknife
    /// whose blocks are several τ_int long.
    /// </summary>
    public static IsingObservables Analyze(ReadOnlySpan<double> energy, ReadOnlySpan<double> magnetization, int sites, double temperature)
    {
        int n = energy.Length;
        if (n != magnetization.Length) throw new ArgumentException("energy and magnetisation series differ in length");
        if (n < 4) throw new ArgumentException($"need at least 4 measurements to estimate errors, got {n}");
        var c = MomentChains.OfOneChain(energy, magnetization);
        return FromMoments(c.Energy[0], c.Energy2[0], c.M2[0], c.AbsM[0], c.M4[0], sites, temperature);
    }

    /// <summary>
    /// Same analysis from per-measurement moment series (e, e², m², |m|, m⁴). Improved estimators of the
    /// relaxed model pass conditional expectations here (E[m² | x] etc.) instead of powers of one sample.
    /// </summary>
    public static IsingObservables FromMoments(double[] e, double[] e2, double[] m2, double[] absM, double[] m4, int sites, double temperature)
    {
        var energy = TimeSeries.Analyze(e);
        var m2Est = TimeSeries.Analyze(m2);
        var absEst = TimeSeries.Analyze(absM);
        var e2Tau = Autocorrelation.IntegratedTime(e2).Tau;
        var m4Tau = Autocorrelation.IntegratedTime(m4).Tau;
        double tauMax = Max(energy.Tau, m2Est.Tau, absEst.Tau, e2Tau, m4Tau);
        int block = (int)Math.Ceiling(4 * (double.IsNaN(tauMax) ? 1 : tauMax));
        double n = sites, t = temperature;
        var c = Jackknife.Derived([e, e2], v => n * (v[1] - v[0] * v[0]) / (t * t), block);
        var chi = Jackknife.Derived([m2, absM], v => n * (v[0] - v[1] * v[1]) / t, block);
        var binder = Jackknife.Derived([m2, m4], v => 1 - v[1] / (3 * v[0] * v[0]), block);
        return new IsingObservables(energy, c, m2Est, absEst, chi, binder);
    }

    private static double Max(params double[] values)
    {
        double m = double.NegativeInfinity;
        foreach (var v in values) if (!double.IsNaN(v)) m = Math.Max(m, v);
        return double.IsNegativeInfinity(m) ? 1 : m;
    }
}
