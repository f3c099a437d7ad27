using System.Diagnostics;
using SpinFlow.Lattice;
using SpinFlow.Statistics;

namespace SpinFlow.MonteCarlo;

/// <summary>Outcome of a reference Monte Carlo run: the observables table and the raw per-measurement series.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Observables">⟨e⟩, c, ⟨m²⟩, ⟨|m|⟩, χ, U₄ with errors; τ converted to sweeps.</param>
/// <param name="Energy">e = H/N at each measurement.</param>
/// <param name="Magnetization">m = M/N at each measurement.</param>
/// <param name="SpinUpdatesPerNs">Speed of the sampler over the measured sweeps (time inside the updates only).</param>
/// <param name="Elapsed">Wall time of the whole run, thermalisation included.</param>
public sealed record McmcResult(McmcOptions Options, IsingObservables Observables, double[] Energy, double[] Magnetization,
    double SpinUpdatesPerNs, TimeSpan Elapsed)
{
    /// <summary>Convergence verdict and diagnostics (one chain: R̂ over segments of it); null when not assessed.</summary>
    public ConvergenceReport? Convergence { get; init; }
}

/// <summary>Runs one Markov chain in spin space: thermalise, sweep, measure, analyse.</summary>
public static class MarkovChainRun
{
    /// <summary>
    /// Runs the chain described by <paramref name="options"/>. <paramref name="progress"/> receives the
    /// completed fraction (0…1); <paramref name="onMeasurement"/> sees each measured configuration (for saving).
    /// </summary>
    public static McmcResult Run(McmcOptions options, IProgress<double>? progress = null,
        Action<ReadOnlySpan<sbyte>>? onMeasurement = null, CancellationToken cancellation = default)
    {
        var total = Stopwatch.StartNew();
        ISpinSampler sampler = SpinSamplers.Create(options.Algorithm, options.Size, options.Temperature, options.Seed);
        // Wolff's calibration sweeps (stopping after N flipped spins) are biased; they must lie in the burn-in.
        int thermalize = options.Algorithm == SpinAlgorithm.Wolff ? Math.Max(options.Thermalize, Wolff.CalibrationSweeps) : options.Thermalize;
        long totalSweeps = (long)thermalize + options.Sweeps;
        long done = 0;
        long reportEvery = Math.Max(1, totalSweeps / 200);
        for (int s = 0; s < thermalize; s++)
        {
            sampler.Sweep();
            if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / totalSweeps); }
        }
        int n = options.Measurements;
        var energy = new double[n];
        var magnetization = new double[n];
        long updates0 = sampler.SpinUpdates;
        // The speed figure is the sampler's own: only time spent inside Sweep counts, not measuring or saving.
        long sweepTicks = 0;
        int k = 0;
        for (int s = 1; s <= options.Sweeps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sampler.Sweep();
            sweepTicks += Stopwatch.GetTimestamp() - t0;
            if (s % options.MeasureEvery == 0 && k < n)
            {
                var spins = sampler.Spins;
                var meas = SpinConfiguration.Measure(spins, options.Size);
                energy[k] = meas.Energy;
                magnetization[k] = meas.Magnetization;
                k++;
                onMeasurement?.Invoke(spins);
            }
            if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / totalSweeps); }
        }
        double sweepNs = sweepTicks * (1e9 / Stopwatch.Frequency);
        double speed = (sampler.SpinUpdates - updates0) / Math.Max(1.0, sweepNs);
        int sites = options.Size * options.Size;
        var obs = IsingObservables.Analyze(energy, magnetization, sites, options.Temperature);
        // One chain: no between-chain error, so the observables stay as analysed; R̂ compares segments of the chain.
        var (_, convergence) = ConvergenceDiagnostics.Assess(obs, MomentChains.OfOneChain(energy, magnetization), sites, options.Temperature);
        progress?.Report(1.0);
        return new McmcResult(options, InSweeps(obs, options.MeasureEvery), energy, magnetization, speed, total.Elapsed) { Convergence = convergence };
    }

    // τ is measured in measurements; users compare algorithms per sweep.
    private static IsingObservables InSweeps(IsingObservables o, int measureEvery)
    {
        Estimate S(Estimate e) => e with { Tau = e.Tau * measureEvery };
        return new IsingObservables(S(o.Energy), S(o.SpecificHeat), S(o.M2), S(o.AbsM), S(o.Susceptibility), S(o.Binder));
    }
}
