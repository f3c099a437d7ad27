using SpinFlow.Lattice;

namespace SpinFlow.MonteCarlo;

/// <summary>Construction of the reference samplers of the clock and XY models.</summary>
public static class AngleSamplers
{
    /// <summary>
    /// A sampler of <paramref name="model"/> (clock:Q or xy) of kind <paramref name="algorithm"/> (Metropolis or Wolff)
    /// on the L×L lattice at temperature T, seeded with <paramref name="seed"/>.
    /// </summary>
    public static IAngleSampler Create(SpinModel model, SpinAlgorithm algorithm, int size, double temperature, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        return (model, algorithm) switch
        {
            (ClockModel c, SpinAlgorithm.Metropolis) => new ClockMetropolis(c, size, temperature, seed),
            (ClockModel c, SpinAlgorithm.Wolff) => new ClockWolff(c, size, temperature, seed),
            (XyModel, SpinAlgorithm.Metropolis) => new XyMetropolis(size, temperature, seed),
            (XyModel, SpinAlgorithm.Wolff) => new XyWolff(size, temperature, seed),
            (IsingModel, _) => throw new ArgumentException("the Ising model runs on the ±1 samplers (SpinSamplers), not on angle samplers"),
            _ => throw new ArgumentException($"--algorithm {SpinSamplers.Name(algorithm)} is not available for --model {model.Name}; use metropolis or wolff"),
        };
    }
}
