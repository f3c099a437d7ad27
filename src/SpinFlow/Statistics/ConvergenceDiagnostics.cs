using System.Globalization;

namespace SpinFlow.Statistics;

/// <summary>
/// Convergence checks of Monte Carlo runs: split-R̂, effective sample size, drift between the halves of a run and the
/// error from the spread over independent chains; <see cref="Assess"/> turns them into a <see cref="ConvergenceVerdict"/>.
/// </summary>
public static class ConvergenceDiagnostics
{
    /// <summary>Largest split-R̂ accepted (Gelman–Rubin's classic bound).</summary>
    public const double MaxRHat = 1.1;
    /// <summary>Largest |second half − first half| accepted, in combined σ.</summary>
    public const double MaxDriftSigma = 4.0;
    /// <summary>Fewest effective samples accepted behind an error bar of a plain mean.</summary>
    public const double MinEss = 100;
    /// <summary>Segments of a single chain that R̂ compares (its split halves, each halved again).</summary>
    public const int SegmentsOfOneChain = 4;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>
    /// Split-R̂ (Gelman et al., BDA3 §11.4): every chain is cut into halves and √(((n−1)/n·W + B/n)/W) compares the
    /// spread of the half-chain means (B/n) with the variance within them (W). Chains are truncated to the shortest.
    /// Near 1 when the chains sample the same distribution; NaN with fewer than 4 values per chain.
    /// </summary>
    public static double SplitRHat(IReadOnlyList<double[]> chains)
    {
        if (chains.Count == 0) throw new ArgumentException("no chains", nameof(chains));
        int len = chains.Min(c => c.Length), half = len / 2;
        if (half < 2) return double.NaN;
        var parts = new List<double[]>(2 * chains.Count);
        foreach (var c in chains)
        {
            parts.Add(c.AsSpan(0, half).ToArray());
            parts.Add(c.AsSpan(len - half, half).ToArray());
        }
        return RHat(parts);
    }

    /// <summary>R̂ over <paramref name="segments"/> consecutive segments of one chain: split-R̂ for a sampler with a single chain.</summary>
    public static double SegmentRHat(ReadOnlySpan<double> series, int segments = SegmentsOfOneChain)
    {
        if (segments < 2) throw new ArgumentOutOfRangeException(nameof(segments), segments, "need at least 2 segments");
        int len = series.Length / segments;
        if (len < 2) return double.NaN;
        var parts = new List<double[]>(segments);
        for (int s = 0; s < segments; s++) parts.Add(series.Slice(s * len, len).ToArray());
        return RHat(parts);
    }

    // Gelman–Rubin R̂ of equally long sequences.
    private static double RHat(List<double[]> parts)
    {
        int m = parts.Count, n = parts[0].Length;
        var means = new double[m];
        double w = 0;
        for (int j = 0; j < m; j++)
        {
            means[j] = TimeSeries.Mean(parts[j]);
            w += TimeSeries.Variance(parts[j]);
        }
        w /= m;
        double bOverN = TimeSeries.Variance(means);
        // Constant sequences: identical ones agree, different ones can never mix.
        if (!(w > 0)) return bOverN > 0 ? double.PositiveInfinity : 1.0;
        return Math.Sqrt(((n - 1.0) / n * w + bOverN) / w);
    }

    /// <summary>
    /// Standard error of the mean from the spread of the per-chain means: honest even when a slow mode keeps each chain
    /// near its start, which Sokal's τ_int of a chain-averaged series cannot see. NaN for fewer than 2 chains.
    /// </summary>
    public static double BetweenChainError(IReadOnlyList<double[]> chains)
    {
        int k = chains.Count;
        if (k < 2) return double.NaN;
        var means = new double[k];
        for (int c = 0; c < k; c++)
        {
            var s = chains[c];
            foreach (double v in s) means[c] += v / s.Length;
        }
        return Math.Sqrt(TimeSeries.Variance(means) / k);
    }

    /// <summary>
    /// <see cref="BetweenChainError(IReadOnlyList{double[]})"/> over the last <paramref name="measured"/> steps of a
    /// step-major trace (chain c at step t at [t·chains + c]).
    /// </summary>
    public static double BetweenChainError(IReadOnlyList<double> chainTrace, int chains, int measured)
    {
        if (chains < 2) return double.NaN;
        int steps = chainTrace.Count / chains;
        var parts = new double[chains][];
        for (int c = 0; c < chains; c++)
        {
            parts[c] = new double[measured];
            for (int t = 0; t < measured; t++) parts[c][t] = chainTrace[(steps - measured + t) * chains + c];
        }
        return BetweenChainError(parts);
    }

    /// <summary>
    /// Mean of the second half of <paramref name="series"/> minus the first half, in units of their Sokal errors combined:
    /// a chain still forgetting its start has halves that disagree. NaN with fewer than 8 values.
    /// </summary>
    public static double DriftSigma(ReadOnlySpan<double> series)
    {
        if (series.Length < 8) return double.NaN;
        var first = TimeSeries.Analyze(series[..(series.Length / 2)]);
        var second = TimeSeries.Analyze(series[(series.Length / 2)..]);
        return second.DeviationSigma(first.Mean, first.Error);
    }

    /// <summary>Effective sample size behind an error bar: the variance of one measurement over the squared error of the mean.</summary>
    public static double Ess(double variance, double error) => error > 0 ? variance / (error * error) : double.NaN;

    /// <summary>Splits a step-major trace (chain c at step t at [t·chains + c]) into one array per chain.</summary>
    public static double[][] ChainsOf(IReadOnlyList<double> trace, int chains)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (trace.Count % chains != 0) throw new ArgumentException($"trace length {trace.Count} is not a multiple of {chains} chains", nameof(trace));
        int steps = trace.Count / chains;
        var parts = new double[chains][];
        for (int c = 0; c < chains; c++)
        {
            parts[c] = new double[steps];
            for (int t = 0; t < steps; t++) parts[c][t] = trace[t * chains + c];
        }
        return parts;
    }

    /// <summary>Mean over chains at each step (chains truncated to the shortest).</summary>
    public static double[] ChainAverage(IReadOnlyList<double[]> chains)
    {
        int len = chains.Min(c => c.Length);
        var avg = new double[len];
        foreach (var c in chains)
            for (int t = 0; t < len; t++) avg[t] += c[t];
        for (int t = 0; t < len; t++) avg[t] /= chains.Count;
        return avg;
    }

    /// <summary>
    /// Checks <paramref name="observables"/> (as analysed by <see cref="IsingObservables.FromMoments"/>) against the
    /// per-chain series behind them. Returns the observables with each error raised to the between-chain error where
    /// that is larger, and the report: per observable ESS, split-R̂ (one chain: R̂ over <see cref="SegmentsOfOneChain"/>
    /// segments), drift and Sokal's window, and the verdict with one reason per failed check.
    /// </summary>
    /// <remarks>
    /// Checks: split-R̂ &gt; <see cref="MaxRHat"/> for any observable (c, χ, U₄ take the largest R̂ of their moments);
    /// for ⟨e⟩, ⟨m²⟩, ⟨|m|⟩ also |drift| &gt; <see cref="MaxDriftSigma"/>σ, ESS &lt; <see cref="MinEss"/> and Sokal's
    /// window not reached. Drift and window are judged on the chain-averaged series.
    /// </remarks>
    public static (IsingObservables Observables, ConvergenceReport Report) Assess(IsingObservables observables, MomentChains chains, int sites, double temperature)
    {
        ArgumentNullException.ThrowIfNull(observables);
        ArgumentNullException.ThrowIfNull(chains);
        int k = chains.Chains;
        if (k < 1) throw new ArgumentException("no chains", nameof(chains));
        double R(IReadOnlyList<double[]> x) => k == 1 ? SegmentRHat(x[0]) : SplitRHat(x);
        var rE = R(chains.Energy);
        var rE2 = R(chains.Energy2);
        var rM2 = R(chains.M2);
        var rAbs = R(chains.AbsM);
        var rM4 = R(chains.M4);

        (Estimate, ObservableConvergence) Plain(Estimate est, IReadOnlyList<double[]> x, double rHat)
        {
            double between = BetweenChainError(x);
            double error = between > est.Error ? between : est.Error;
            var avg = ChainAverage(x);
            double variance = TimeSeries.Variance(x.SelectMany(s => s).ToArray());
            bool window = Autocorrelation.IntegratedTime(avg).Reliable;
            return (est with { Error = error }, new ObservableConvergence(est.Error, between, Ess(variance, error), rHat, DriftSigma(avg), window));
        }

        double n = sites, t = temperature;
        int total = chains.Energy.Sum(c => c.Length);
        (Estimate, ObservableConvergence) Derived(Estimate est, IReadOnlyList<double[]> a, IReadOnlyList<double[]> b, Func<double, double, double> f, double rHat)
        {
            double between = double.NaN;
            if (k >= 2)
            {
                // The derived quantity of each chain on its own; their spread is as honest as that of plain means.
                var perChain = new double[k];
                for (int c = 0; c < k; c++) perChain[c] = f(TimeSeries.Mean(a[c]), TimeSeries.Mean(b[c]));
                between = Math.Sqrt(TimeSeries.Variance(perChain) / k);
            }
            double error = between > est.Error ? between : est.Error;
            // The jackknife's τ is ½(blocked / unblocked error)²: n/(2τ) effective samples at its own error, fewer at a larger one.
            double ess = est.Tau > 0 && est.Error > 0 ? Math.Min(total, total / (2 * est.Tau) * (est.Error / error) * (est.Error / error)) : double.NaN;
            return (est with { Error = error }, new ObservableConvergence(est.Error, between, ess, rHat, double.NaN, true));
        }

        var (energy, cE) = Plain(observables.Energy, chains.Energy, rE);
        var (m2, cM2) = Plain(observables.M2, chains.M2, rM2);
        var (absM, cAbs) = Plain(observables.AbsM, chains.AbsM, rAbs);
        var (heat, cHeat) = Derived(observables.SpecificHeat, chains.Energy, chains.Energy2, (e, e2) => n * (e2 - e * e) / (t * t), Max(rE, rE2));
        var (chi, cChi) = Derived(observables.Susceptibility, chains.M2, chains.AbsM, (q, a) => n * (q - a * a) / t, Max(rM2, rAbs));
        var (binder, cBinder) = Derived(observables.Binder, chains.M2, chains.M4, (q, q4) => 1 - q4 / (3 * q * q), Max(rM2, rM4));

        var diagnostics = new IsingConvergence(cE, cHeat, cM2, cAbs, cChi, cBinder);
        var named = new (string Name, ObservableConvergence D, bool Plain)[]
        {
            ("⟨e⟩", cE, true), ("c", cHeat, false), ("⟨m²⟩", cM2, true), ("⟨|m|⟩", cAbs, true), ("χ", cChi, false), ("U₄", cBinder, false),
        };
        var warnings = new List<string>();
        string basis = k == 1 ? $"{SegmentsOfOneChain} segments of the one chain" : $"split halves of {k} chains";
        var badR = named.Where(o => o.D.RHat > MaxRHat).ToArray();
        if (badR.Length > 0)
            warnings.Add($"split-R̂ > {Num(MaxRHat)} ({basis}): " + string.Join(", ", badR.Select(o => $"{o.Name} {Num(o.D.RHat, "F2")}")) +
                (k == 1 ? " (the chain's segments disagree)" : " (the chains disagree)"));
        var drift = named.Where(o => o.Plain && Math.Abs(o.D.DriftSigma) > MaxDriftSigma).ToArray();
        if (drift.Length > 0)
            warnings.Add($"drift (second half − first half) beyond {Num(MaxDriftSigma)}σ: " + string.Join(", ", drift.Select(o => $"{o.Name} {Num(o.D.DriftSigma, "+0.0;-0.0")}σ")));
        // NaN is a series that never changed: no error bar can be estimated from it, so it fails the check too.
        var fewEss = named.Where(o => o.Plain && !(o.D.Ess >= MinEss)).ToArray();
        if (fewEss.Length > 0)
            warnings.Add($"ESS < {Num(MinEss)}: " + string.Join(", ", fewEss.Select(o =>
                double.IsNaN(o.D.Ess) ? $"{o.Name} none (it never changed)" : $"{o.Name} {Num(Math.Floor(o.D.Ess), "F0")}")));
        var window = named.Where(o => o.Plain && !o.D.WindowReached).ToArray();
        if (window.Length > 0)
            warnings.Add("Sokal window not reached (run shorter than ~50 τ_int): " + string.Join(", ", window.Select(o => o.Name)));

        var widened = new IsingObservables(energy, heat, m2, absM, chi, binder);
        return (widened, new ConvergenceReport(ConvergenceVerdict.Of(warnings), diagnostics, k, basis));
    }

    /// <summary>
    /// The split-R̂ (one chain: over <see cref="SegmentsOfOneChain"/> segments) and drift checks of <see cref="Assess"/> for
    /// one more observable <paramref name="name"/> measured per chain (e.g. Υ of the XY runs): one reason per failed check.
    /// </summary>
    public static IEnumerable<string> Checks(string name, IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count < 1) throw new ArgumentException("no chains", nameof(chains));
        int k = chains.Count;
        double rHat = k == 1 ? SegmentRHat(chains[0]) : SplitRHat(chains);
        if (rHat > MaxRHat)
            yield return k == 1
                ? $"split-R̂ > {Num(MaxRHat)} ({SegmentsOfOneChain} segments of the one chain): {name} {Num(rHat, "F2")} (the chain's segments disagree)"
                : $"split-R̂ > {Num(MaxRHat)} (split halves of {k} chains): {name} {Num(rHat, "F2")} (the chains disagree)";
        double drift = DriftSigma(ChainAverage(chains));
        if (Math.Abs(drift) > MaxDriftSigma)
            yield return $"drift (second half − first half) beyond {Num(MaxDriftSigma)}σ: {name} {Num(drift, "+0.0;-0.0")}σ";
    }

    private static double Max(double a, double b) => double.IsNaN(a) ? b : double.IsNaN(b) ? a : Math.Max(a, b);

    private static string Num(double v, string format = "G4") => v.ToString(format, Inv);
}
