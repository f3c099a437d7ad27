using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Improved-estimator measurements of every chain's generated lattice x = F(z), step by step, kept as
/// <see cref="ChainAverages"/>; each chain has its own stream for the spin draws. One implementation per relaxed model
/// (<see cref="For"/>): <see cref="IsingChainMeasurement"/>, <see cref="AngleChainMeasurement"/>.
/// </summary>
internal abstract class ChainMeasurement
{
    /// <param name="sites">Lattice sites N.</param>
    /// <param name="chains">Chains measured together.</param>
    /// <param name="chainM2">When given, every chain's E[m² | x] is appended to it at each step (step-major).</param>
    /// <param name="chainEnergy">When given, every chain's E[e | x] is appended to it at each step (step-major).</param>
    protected ChainMeasurement(int sites, int chains, List<double>? chainM2, List<double>? chainEnergy)
    {
        Averages = new ChainAverages(sites, chains, chainM2, chainEnergy);
    }

    /// <summary>The measurement of <paramref name="model"/>'s configurations; <paramref name="seed"/> seeds the spin draws (stream c for chain c).</summary>
    public static ChainMeasurement For(IRelaxedModel model, int chains, ulong seed, List<double>? chainM2 = null, List<double>? chainEnergy = null) => model switch
    {
        RelaxedIsing ising => new IsingChainMeasurement(ising.Size, chains, seed, chainM2, chainEnergy),
        RelaxedAngleModel angle => new AngleChainMeasurement(angle, chains, seed, chainM2, chainEnergy),
        _ => throw new ArgumentException($"no chain measurement for {model.GetType().Name}", nameof(model)),
    };

    /// <summary>The series of e, e², m², |m|, m⁴ measured so far.</summary>
    public ChainAverages Averages { get; }

    /// <summary>Measures every chain's configuration (chains × C·L², float32) and returns the chain mean of E[m² | x].</summary>
    public abstract double Add(ReadOnlySpan<float> x);

    /// <summary>
    /// The observables with <see cref="ChainAverages.Assess"/>'s errors and verdict, and for clock and XY also Υ and the
    /// vortex density (errors the larger of Sokal's and the between-chain spread); null for Ising.
    /// </summary>
    public virtual (IsingObservables Observables, ConvergenceReport Report, AngleObservables? Angle) Assess(double temperature)
    {
        var (observables, report) = Averages.Assess(temperature);
        return (observables, report, null);
    }
}
