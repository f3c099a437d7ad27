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
        int n = model.Sites;
        var layout = new RelaxedRun.ChainLayout(n, model.Dimension, 3 * n, 1 << 14, model.MaxDegreeOfParallelism);
        return RelaxedRun.Run(options, sampler, model.Shift, layout, (x, scratch, rng) => RelaxedAngleEstimators.Measure(model, x, scratch, rng),
            progress, onMeasurement, cancellation, clock ?? Stopwatch.StartNew());
    }
}
