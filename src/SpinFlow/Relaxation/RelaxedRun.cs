using System.Diagnostics;
using SpinFlow.Hmc;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.Relaxation;

/// <summary>Settings of one relaxed-model sampling run; <see cref="Validate"/> checks them.</summary>
public sealed record RelaxedOptions
{
    /// <summary>Linear size L (a power of two).</summary>
    public required int Size { get; init; }
    /// <summary>Temperature T.</summary>
    public required double Temperature { get; init; }
    /// <summary>Shift c; null means 0.1 + 4/T.</summary>
    public double? Shift { get; init; }
    /// <summary>The sampler.</summary>
    public RelaxedSamplerKind Sampler { get; init; } = RelaxedSamplerKind.Exact;
    /// <summary>Measured configurations in total, over all chains, after thermalisation.</summary>
    public required int Samples { get; init; }
    /// <summary>Chains advanced together.</summary>
    public int Chains { get; init; } = 8;
    /// <summary>Steps per chain discarded first (HMC: the warm-up that tunes ε).</summary>
    public int Thermalize { get; init; } = 200;
    /// <summary>Steps per chain between measurements.</summary>
    public int MeasureEvery { get; init; } = 1;
    /// <summary>Seed of the run.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>HMC settings (naive-hmc only).</summary>
    public HmcOptions Hmc { get; init; } = new();
    /// <summary>Threads; ≤ 0 means one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message for invalid settings.</summary>
    public void Validate()
    {
        if (Size < 2) throw new ArgumentOutOfRangeException(nameof(Size), Size, "lattice size L must be at least 2");
        if ((Size & (Size - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(Size), Size, $"the relaxed model needs L to be a power of two (its FFT is radix-2), got L = {Size}");
        if (!(Temperature > 0) || double.IsInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be positive and finite");
        if (!Enum.IsDefined(Sampler)) throw new ArgumentOutOfRangeException(nameof(Sampler), Sampler, "unknown sampler");
        if (Chains < 1) throw new ArgumentOutOfRangeException(nameof(Chains), Chains, "number of chains must be at least 1");
        if (Samples < 4 * Chains)
            throw new ArgumentOutOfRangeException(nameof(Samples), Samples, $"need at least 4 samples per chain for error bars (samples ≥ 4 × chains = {4 * Chains})");
        if (Thermalize < 0) throw new ArgumentOutOfRangeException(nameof(Thermalize), Thermalize, "thermalisation steps must be non-negative");
        if (MeasureEvery < 1) throw new ArgumentOutOfRangeException(nameof(MeasureEvery), MeasureEvery, "measurement interval must be at least 1");
        ArgumentNullException.ThrowIfNull(Hmc);
        Hmc.Validate();
    }

    /// <summary>Measurements of chain <paramref name="chain"/>: the samples are spread as evenly as possible.</summary>
    public int SamplesOfChain(int chain) => Samples / Chains + (chain < Samples % Chains ? 1 : 0);
}

/// <summary>Outcome of a relaxed-model run.</summary>
/// <param name="Options">What was run.</param>
/// <param name="Shift">The shift c actually used.</param>
/// <param name="Observables">Observables from the improved estimators; τ in steps (sweeps or trajectories) of one chain.</param>
/// <param name="Energy">E[e | x] per measurement, chain after chain.</param>
/// <param name="M2">E[m² | x] per measurement, chain after chain.</param>
/// <param name="Acceptance">HMC acceptance during the measured part (null for the exact sampler).</param>
/// <param name="StepSize">The (tuned) HMC step size (null for the exact sampler).</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
/// <param name="MeasuredElapsed">Wall time of the measured part.</param>
/// <param name="StepsPerChain">Steps each chain took in the measured part.</param>
public sealed record RelaxedResult(RelaxedOptions Options, double Shift, IsingObservables Observables, double[] Energy, double[] M2,
    HmcStatistics? Acceptance, double? StepSize, TimeSpan Elapsed, TimeSpan MeasuredElapsed, long StepsPerChain)
{
    /// <summary>Convergence verdict and diagnostics over the chains; null when not assessed.</summary>
    public ConvergenceReport? Convergence { get; init; }

    /// <summary>Wall seconds per step of all chains together.</summary>
    public double SecondsPerStep => MeasuredElapsed.TotalSeconds / Math.Max(1, StepsPerChain);

    /// <summary>Wall seconds per statistically independent value of m² (2τ steps of one chain, chains running together).</summary>
    public double SecondsPerIndependentSample => 2 * Observables.M2.Tau * SecondsPerStep / Options.Chains;
}

/// <summary>Runs a relaxed-model sampler: thermalise, step, measure with the improved estimators, analyse.</summary>
public static class RelaxedRun
{
    /// <summary>Creates the sampler that <paramref name="options"/> describes (for callers that drive it themselves).</summary>
    public static IRelaxedSampler CreateSampler(RelaxedOptions options, RelaxedIsing model) => options.Sampler switch
    {
        RelaxedSamplerKind.Exact => new ExactRelaxedSampler(model, options.Chains, options.Seed),
        RelaxedSamplerKind.NaiveHmc => new NaiveHmcSampler(model, options.Chains,
            options.Hmc with { MaxDegreeOfParallelism = options.Threads }, options.Seed),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Sampler, "unknown sampler"),
    };

    /// <summary>
    /// Runs <paramref name="options"/>. <paramref name="onMeasurement"/> sees each measured configuration with its
    /// chain, in the order measurement round by round, chain by chain (the order of the output file).
    /// </summary>
    public static RelaxedResult Run(RelaxedOptions options, IProgress<double>? progress = null,
        Action<int, ReadOnlySpan<double>>? onMeasurement = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();
        var model = new RelaxedIsing(options.Size, options.Temperature, options.Shift, options.Threads);
        var sampler = CreateSampler(options, model);
        return Run(options, model, sampler, progress, onMeasurement, cancellation, total);
    }

    /// <summary>Runs with a caller-built sampler (tests use it to plug in other spin chains).</summary>
    public static RelaxedResult Run(RelaxedOptions options, RelaxedIsing model, IRelaxedSampler sampler,
        IProgress<double>? progress = null, Action<int, ReadOnlySpan<double>>? onMeasurement = null,
        CancellationToken cancellation = default, Stopwatch? clock = null)
    {
        options.Validate();
        if (sampler.Chains != options.Chains) throw new ArgumentException("sampler has a different number of chains", nameof(sampler));
        if (model.Size != options.Size || model.Temperature != options.Temperature || sampler.Model != model)
            throw new ArgumentException("model and sampler must match the options' size and temperature", nameof(model));
        int n = model.Sites, l = model.Size;
        var layout = new ChainLayout(n, n, n, 1 << 16, model.MaxDegreeOfParallelism);
        return Run(options, sampler, model.Shift, layout, (x, scratch, rng) => ImprovedEstimators.Measure(x, l, scratch, rng),
            progress, onMeasurement, cancellation, clock ?? Stopwatch.StartNew());
    }

    /// <summary>Per-chain sizes of a relaxed model: sites, values per configuration, measurement scratch, and the chains × sites above which chains are measured in parallel.</summary>
    internal readonly record struct ChainLayout(int Sites, int Dimension, int Scratch, long ParallelSites, int MaxDegreeOfParallelism);

    /// <summary>The improved-estimator measurement of one chain's configuration.</summary>
    internal delegate RelaxedMeasurement MeasureConfiguration(ReadOnlySpan<double> x, Span<double> scratch, Xoshiro256 rng);

    /// <summary>The run loop every relaxed model shares: thermalise, step, measure, analyse.</summary>
    internal static RelaxedResult Run(RelaxedOptions options, IRelaxedChains sampler, double shift, ChainLayout layout,
        MeasureConfiguration measure, IProgress<double>? progress, Action<int, ReadOnlySpan<double>>? onMeasurement,
        CancellationToken cancellation, Stopwatch total)
    {
        int chains = options.Chains, n = layout.Sites, d = layout.Dimension;
        int rounds = (options.Samples + chains - 1) / chains;
        long measuredSteps = (long)rounds * options.MeasureEvery;
        long allSteps = options.Thermalize + measuredSteps;
        long reportEvery = Math.Max(1, allSteps / 200);
        long done = 0;

        // Thermalise in slices so that progress and cancellation stay responsive (HMC tunes through all of it).
        if (sampler.Hmc is { } hmc)
        {
            hmc.BeginWarmUp();
            for (int s = 0; s < options.Thermalize; s++)
            {
                sampler.Step();
                if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / allSteps); }
            }
            hmc.EndWarmUp();
        }
        else
        {
            int slice = (int)Math.Max(1, Math.Min(options.Thermalize, reportEvery));
            for (int s = 0; s < options.Thermalize; s += slice)
            {
                int k = Math.Min(slice, options.Thermalize - s);
                sampler.Thermalize(k);
                done += k;
                cancellation.ThrowIfCancellationRequested();
                progress?.Report((double)done / allSteps);
            }
        }

        var counts = Enumerable.Range(0, chains).Select(options.SamplesOfChain).ToArray();
        var offsets = new int[chains];
        for (int c = 1; c < chains; c++) offsets[c] = offsets[c - 1] + counts[c - 1];
        int samples = options.Samples;
        var (e, e2, m2, am, m4) = (new double[samples], new double[samples], new double[samples], new double[samples], new double[samples]);
        var measureRngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(options.Seed ^ 0x6D65617375726531UL, (ulong)c)).ToArray();
        var scratch = new double[(long)chains * layout.Scratch];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = layout.MaxDegreeOfParallelism };

        var measured = Stopwatch.StartNew();
        for (int r = 0; r < rounds; r++)
        {
            for (int k = 0; k < options.MeasureEvery; k++)
            {
                sampler.Step();
                if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / allSteps); }
            }
            int round = r;
            void MeasureChain(int c, ReadOnlySpan<double> xc)
            {
                if (round >= counts[c]) return;
                var m = measure(xc, scratch.AsSpan(c * layout.Scratch, layout.Scratch), measureRngs[c]);
                int i = offsets[c] + round;
                (e[i], e2[i], m2[i], am[i], m4[i]) = (m.Energy, m.Energy2, m.M2, m.AbsM, m.M4);
            }
            if ((long)chains * n >= layout.ParallelSites && parallel.MaxDegreeOfParallelism > 1)
                Parallel.For(0, chains, parallel, c => MeasureChain(c, sampler.Configurations.Slice(c * d, d)));
            else
                for (int c = 0; c < chains; c++) MeasureChain(c, sampler.Configurations.Slice(c * d, d));
            if (onMeasurement is not null)
                for (int c = 0; c < chains; c++)
                    if (r < counts[c]) onMeasurement(c, sampler.Configurations.Slice(c * d, d));
        }
        measured.Stop();

        var obs = IsingObservables.FromMoments(e, e2, m2, am, m4, n, options.Temperature);
        // The chains start from independent random configurations; errors become the larger of Sokal's and the between-chain spread.
        var (assessed, convergence) = ConvergenceDiagnostics.Assess(obs, MomentChains.OfBackToBack(e, e2, m2, am, m4, counts), n, options.Temperature);
        progress?.Report(1.0);
        return new RelaxedResult(options, shift, InSteps(assessed, options.MeasureEvery), e, m2, sampler.Acceptance, sampler.Hmc?.StepSize,
            total.Elapsed, measured.Elapsed, measuredSteps) { Convergence = convergence };
    }

    // τ comes out in measurements; users compare samplers per step of one chain.
    private static IsingObservables InSteps(IsingObservables o, int measureEvery)
    {
        Estimate S(Estimate e) => e with { Tau = e.Tau * measureEvery };
        return new IsingObservables(S(o.Energy), S(o.SpecificHeat), S(o.M2), S(o.AbsM), S(o.Susceptibility), S(o.Binder));
    }
}
