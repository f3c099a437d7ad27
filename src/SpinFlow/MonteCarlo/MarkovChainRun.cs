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
        int n = options.Measurements;
        var energy = new double[n];
        var magnetization = new double[n];
        double speed = ChainSweeps.Run(sampler, options, thermalize, k =>
        {
            var spins = sampler.Spins;
            var meas = SpinConfiguration.Measure(spins, options.Size);
            energy[k] = meas.Energy;
            magnetization[k] = meas.Magnetization;
            onMeasurement?.Invoke(spins);
        }, progress, cancellation);
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
