using System.Diagnostics;
using SpinFlow.Lattice;
using SpinFlow.Statistics;

namespace SpinFlow.MonteCarlo;

/// <summary>Outcome of a reference Monte Carlo run of a clock or XY model.</summary>
/// <param name="Model">The model sampled.</param>
/// <param name="Options">What was run.</param>
/// <param name="Observables">⟨e⟩, c, ⟨m²⟩, ⟨|m|⟩, χ, U₄, Υ, vortex density with errors; τ in sweeps.</param>
/// <param name="Energy">e = H/N at each measurement.</param>
/// <param name="AbsM">|m| at each measurement.</param>
/// <param name="Helicity">Per-configuration helicity at each measurement (its mean is Υ).</param>
/// <param name="VortexDensity">Vortex density at each measurement.</param>
/// <param name="SpinUpdatesPerNs">Speed of the sampler over the measured sweeps (time inside the updates only).</param>
/// <param name="Elapsed">Wall time of the whole run, thermalisation included.</param>
public sealed record AngleMcmcResult(SpinModel Model, McmcOptions Options, AngleObservables Observables, double[] Energy, double[] AbsM,
    double[] Helicity, double[] VortexDensity, double SpinUpdatesPerNs, TimeSpan Elapsed)
{
    /// <summary>Convergence verdict and diagnostics (one chain: R̂ over segments of it) of the six Ising-like observables.</summary>
    public ConvergenceReport? Convergence { get; init; }
}

/// <summary>Runs one Markov chain of a clock or XY model: thermalise (tuning included), sweep, measure, analyse.</summary>
public static class AngleChainRun
{
    /// <summary>
    /// Runs the chain of <paramref name="model"/> described by <paramref name="options"/>; thermalisation is raised to
    /// the sampler's tuning sweeps where it is shorter. <paramref name="progress"/> receives the completed fraction;
    /// <paramref name="onMeasurement"/> sees each measured sampler (for saving).
    /// </summary>
    public static AngleMcmcResult Run(SpinModel model, McmcOptions options, IProgress<double>? progress = null,
        Action<IAngleSampler>? onMeasurement = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var total = Stopwatch.StartNew();
        var sampler = AngleSamplers.Create(model, options.Algorithm, options.Size, options.Temperature, options.Seed);
        int thermalize = Math.Max(options.Thermalize, sampler.TuningSweeps);
        int n = options.Measurements;
        var energy = new double[n];
        var absM = new double[n];
        var helicity = new double[n];
        var vortices = new double[n];
        double speed = ChainSweeps.Run(sampler, options, thermalize, k =>
        {
            var m = sampler.Measure();
            energy[k] = m.Energy;
            absM[k] = m.AbsM;
            helicity[k] = m.Helicity(options.Temperature);
            vortices[k] = m.VortexDensity;
            onMeasurement?.Invoke(sampler);
        }, progress, cancellation);
        int sites = options.Size * options.Size;
        var obs = AngleObservables.Analyze(energy, absM, helicity, vortices, sites, options.Temperature);
        var (_, convergence) = ConvergenceDiagnostics.Assess(obs.Base, MomentChains.OfOneChain(energy, absM), sites, options.Temperature);
        // Υ is the observable of the XY runs: the same segment-R̂ and drift checks as the plain means.
        convergence = convergence.WithWarnings(ConvergenceDiagnostics.Checks("Υ", [helicity]));
        progress?.Report(1.0);
        return new AngleMcmcResult(model, options, obs.ScaleTau(options.MeasureEvery), energy, absM, helicity, vortices, speed, total.Elapsed)
        {
            Convergence = convergence,
        };
    }
}
