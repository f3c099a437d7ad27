using System.Diagnostics;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.Relaxation;

/// <summary>Runs a relaxed clock or XY sampler: thermalise, step, measure, analyse; the counterpart of <see cref="RelaxedRun"/>.</summary>
public static class RelaxedAngleRun
{
    /// <summary>Creates the sampler that <paramref name="options"/> describes on <paramref name="model"/>.</summary>
    public static IRelaxedAngleSampler CreateSampler(RelaxedOptions options, RelaxedAngleModel model) => options.Sampler switch
    {
        RelaxedSamplerKind.Exact => new ExactRelaxedAngleSampler(model, options.Chains, options.Seed),
        RelaxedSamplerKind.NaiveHmc => new NaiveHmcAngleSampler(model, options.Chains,
            options.Hmc with { MaxDegreeOfParallelism = options.Threads }, options.Seed),
        _ => throw new ArgumentOutOfRangeException(nameof(options), options.Sampler, "unknown sampler"),
    };

    /// <summary>Runs <paramref name="options"/> on the relaxed <paramref name="spinModel"/> (clock:Q or xy).</summary>
    public static RelaxedResult Run(RelaxedOptions options, SpinModel spinModel, IProgress<double>? progress = null,
        Action<int, ReadOnlySpan<double>>? onMeasurement = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var total = Stopwatch.StartNew();
        var model = new RelaxedAngleModel(spinModel, options.Size, options.Temperature, options.Shift, options.Threads);
        return Run(options, model, CreateSampler(options, model), progress, onMeasurement, cancellation, total);
    }

    /// <summary>
    /// Runs with a caller-built sampler. Thermalisation is at least the sampler's <see cref="IRelaxedAngleSampler.TuningSteps"/>
    /// (the result's options carry the number used). <paramref name="onMeasurement"/> sees each measured configuration
    /// (2N values) with its chain, round by round, chain by chain (the order of the output file). Observables: e and m²
    /// from improved estimators, c, |m|, χ and U₄ with e², |m| and m⁴ of one spin configuration drawn from s | x.
    /// </summary>
    public static RelaxedResult Run(RelaxedOptions options, RelaxedAngleModel model, IRelaxedAngleSampler sampler,
        IProgress<double>? progress = null, Action<int, ReadOnlySpan<double>>? onMeasurement = null,
        CancellationToken cancellation = default, Stopwatch? clock = null)
    {
        options.Validate();
        if (sampler.Chains != options.Chains) throw new ArgumentException("sampler has a different number of chains", nameof(sampler));
        if (model.Size != options.Size || model.Temperature != options.Temperature || sampler.Model != model)
            throw new ArgumentException("model and sampler must match the options' size and temperature", nameof(model));
        options = options with { Thermalize = Math.Max(options.Thermalize, sampler.TuningSteps) };
        var total = clock ?? Stopwatch.StartNew();
        int chains = options.Chains, n = model.Sites, d = model.Dimension;
        int rounds = (options.Samples + chains - 1) / chains;
        long measuredSteps = (long)rounds * options.MeasureEvery;
        long allSteps = options.Thermalize + measuredSteps;
        long reportEvery = Math.Max(1, allSteps / 200);
        long done = 0;

        if (sampler is NaiveHmcAngleSampler hmc)
        {
            hmc.Hmc.BeginWarmUp();
            for (int s = 0; s < options.Thermalize; s++)
            {
                hmc.Step();
                if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / allSteps); }
            }
            hmc.Hmc.EndWarmUp();
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
        var scratch = new double[(long)chains * 3 * n];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = model.MaxDegreeOfParallelism };

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
                var m = RelaxedAngleEstimators.Measure(model, xc, scratch.AsSpan(c * 3 * n, 3 * n), measureRngs[c]);
                int i = offsets[c] + round;
                (e[i], e2[i], m2[i], am[i], m4[i]) = (m.Energy, m.Energy2, m.M2, m.AbsM, m.M4);
            }
            if ((long)chains * n >= 1 << 14 && parallel.MaxDegreeOfParallelism > 1)
                Parallel.For(0, chains, parallel, c => MeasureChain(c, sampler.Configurations.Slice(c * d, d)));
            else
                for (int c = 0; c < chains; c++) MeasureChain(c, sampler.Configurations.Slice(c * d, d));
            if (onMeasurement is not null)
                for (int c = 0; c < chains; c++)
                    if (r < counts[c]) onMeasurement(c, sampler.Configurations.Slice(c * d, d));
        }
        measured.Stop();

        var obs = IsingObservables.FromMoments(e, e2, m2, am, m4, n, options.Temperature);
        var (assessed, convergence) = ConvergenceDiagnostics.Assess(obs, MomentChains.OfBackToBack(e, e2, m2, am, m4, counts), n, options.Temperature);
        progress?.Report(1.0);
        double? stepSize = sampler is NaiveHmcAngleSampler h ? h.Hmc.StepSize : null;
        return new RelaxedResult(options, model.Shift, InSteps(assessed, options.MeasureEvery), e, m2, sampler.Acceptance, stepSize,
            total.Elapsed, measured.Elapsed, measuredSteps) { Convergence = convergence };
    }

    // τ comes out in measurements; users compare samplers per step of one chain.
    private static IsingObservables InSteps(IsingObservables o, int measureEvery)
    {
        Estimate S(Estimate e) => e with { Tau = e.Tau * measureEvery };
        return new IsingObservables(S(o.Energy), S(o.SpecificHeat), S(o.M2), S(o.AbsM), S(o.Susceptibility), S(o.Binder));
    }
}
