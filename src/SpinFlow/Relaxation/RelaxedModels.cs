using SpinFlow.Exact;
using SpinFlow.Lattice;

namespace SpinFlow.Relaxation;

/// <summary>The relaxed model of a <see cref="SpinModel"/>: the one place that picks <see cref="RelaxedIsing"/> or <see cref="RelaxedAngleModel"/>.</summary>
public static class RelaxedModels
{
    /// <summary>
    /// The relaxed <paramref name="model"/> on the L×L lattice at T: <see cref="RelaxedIsing"/> for Ising,
    /// <see cref="RelaxedAngleModel"/> for clock:Q and xy. <paramref name="shift"/> defaults to <see cref="RelaxedIsing.DefaultShift"/>.
    /// </summary>
    public static IRelaxedModel Create(SpinModel model, int size, double temperature, double? shift = null, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is IsingModel
            ? new RelaxedIsing(size, temperature, shift, maxDegreeOfParallelism)
            : new RelaxedAngleModel(model, size, temperature, shift, maxDegreeOfParallelism);
    }

    /// <summary>
    /// Runs the relaxed sampler that <paramref name="options"/> describes on <paramref name="model"/>: <see cref="RelaxedRun"/>
    /// for Ising, <see cref="RelaxedAngleRun"/> for clock:Q and xy (each measured configuration has
    /// <see cref="SpinModel.Components"/>·L² values).
    /// </summary>
    public static RelaxedResult Run(RelaxedOptions options, SpinModel model, IProgress<double>? progress = null,
        Action<int, ReadOnlySpan<double>>? onMeasurement = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is IsingModel ? RelaxedRun.Run(options, progress, onMeasurement, cancellation)
            : RelaxedAngleRun.Run(options, model, progress, onMeasurement, cancellation);
    }

    /// <summary>
    /// Exact ln Z_x = ln ∫ e^{−E(x)} dx of <paramref name="model"/> where the spin model's ln Z is known for any L: Ising
    /// (Kaufman), clock:2 and clock:4 (<see cref="ClockExact"/>); null otherwise (XY, other Q).
    /// </summary>
    public static double? ExactLnNormalizer(IRelaxedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model switch
        {
            RelaxedIsing ising => ising.LnNormalizer(KaufmanSolution.Compute(ising.Size, ising.Temperature).LnZ),
            RelaxedAngleModel angle when ClockExact.HasSolution(angle.Model) =>
                angle.LnNormalizer(ClockExact.Compute(angle.Model, angle.Size, angle.Temperature).LnZPerSite * angle.Sites),
            _ => null,
        };
    }
}
