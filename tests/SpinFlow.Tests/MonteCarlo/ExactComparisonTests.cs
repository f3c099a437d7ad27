using SpinFlow.Exact;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Each sampler against exact enumeration: ⟨e⟩, ⟨m²⟩ and c within 4σ of the run's own error bar.</summary>
public class ExactComparisonTests
{
    // One enumeration per size, shared by the cases (L = 5 takes about a second).
    private static readonly Lazy<IsingEnumeration> Enumeration3 = new(() => new IsingEnumeration(3));
    private static readonly Lazy<IsingEnumeration> Enumeration4 = new(() => new IsingEnumeration(4));
    private static readonly Lazy<IsingEnumeration> Enumeration5 = new(() => new IsingEnumeration(5));

    private static EnumerationResult Exact(int size, double temperature) => size switch
    {
        3 => Enumeration3.Value.At(temperature),
        4 => Enumeration4.Value.At(temperature),
        5 => Enumeration5.Value.At(temperature),
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    private static void Check(ISpinSampler sampler, int sweeps)
    {
        var exact = Exact(sampler.Size, sampler.Temperature);
        var obs = SamplerRuns.Analyze(sampler, 1000, sweeps);
        string tag = $"{sampler.GetType().Name} L={sampler.Size} T={sampler.Temperature}";
        SamplerRuns.AssertWithin4Sigma($"{tag} <e>", obs.Energy, exact.Energy);
        SamplerRuns.AssertWithin4Sigma($"{tag} <m2>", obs.M2, exact.M2);
        SamplerRuns.AssertWithin4Sigma($"{tag} c", obs.SpecificHeat, exact.SpecificHeat);
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 1.5, 11UL)]
    [InlineData(SpinAlgorithm.Metropolis, SamplerRuns.CriticalTemperature, 12UL)]
    [InlineData(SpinAlgorithm.Metropolis, 3.5, 13UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 1.5, 21UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, SamplerRuns.CriticalTemperature, 22UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 3.5, 23UL)]
    [InlineData(SpinAlgorithm.Wolff, 1.5, 31UL)]
    [InlineData(SpinAlgorithm.Wolff, SamplerRuns.CriticalTemperature, 32UL)]
    [InlineData(SpinAlgorithm.Wolff, 3.5, 33UL)]
    public void FourByFourMatchesEnumeration(SpinAlgorithm algorithm, double temperature, ulong seed) =>
        Check(SpinSamplers.Create(algorithm, 4, temperature, seed), 200_000);

    [Theory]
    [InlineData(1.5, 41UL)]
    [InlineData(SamplerRuns.CriticalTemperature, 42UL)]
    [InlineData(3.5, 43UL)]
    public void ThreadedMetropolisMatchesEnumeration(double temperature, ulong seed) =>
        Check(new Metropolis(4, temperature, seed, threads: 2), 100_000);

    // Odd L has no checkerboard decomposition: Metropolis falls back to random-site updates.
    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 3, 51UL)]
    [InlineData(SpinAlgorithm.Metropolis, 5, 52UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 3, 53UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 5, 54UL)]
    [InlineData(SpinAlgorithm.Wolff, 3, 55UL)]
    [InlineData(SpinAlgorithm.Wolff, 5, 56UL)]
    public void OddSizesMatchEnumeration(SpinAlgorithm algorithm, int size, ulong seed) =>
        Check(SpinSamplers.Create(algorithm, size, SamplerRuns.CriticalTemperature, seed), 100_000);

    // L = 2: every pair of neighbours is joined by two bonds, which each sampler must count twice.
    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 61UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 62UL)]
    [InlineData(SpinAlgorithm.Wolff, 63UL)]
    public void TwoByTwoMatchesEnumeration(SpinAlgorithm algorithm, ulong seed)
    {
        var sampler = SpinSamplers.Create(algorithm, 2, SamplerRuns.CriticalTemperature, seed);
        var exact = IsingEnumeration.Compute(2, SamplerRuns.CriticalTemperature);
        var obs = SamplerRuns.Analyze(sampler, 1000, 100_000);
        SamplerRuns.AssertWithin4Sigma($"{algorithm} L=2 <e>", obs.Energy, exact.Energy);
        SamplerRuns.AssertWithin4Sigma($"{algorithm} L=2 <m2>", obs.M2, exact.M2);
    }

    [Fact]
    public void WolffMeanClusterSizeIsNTimesExactM2()
    {
        var wolff = new Wolff(4, SamplerRuns.CriticalTemperature, 71);
        for (int i = 0; i < 1000; i++) wolff.Sweep();
        var sizes = new List<double>();
        for (int i = 0; i < 50_000; i++)
        {
            wolff.Sweep();
            foreach (int c in wolff.LastSweepClusterSizes) sizes.Add(c / 16.0);
        }
        var estimate = SpinFlow.Statistics.TimeSeries.Analyze(sizes.ToArray());
        SamplerRuns.AssertWithin4Sigma("Wolff L=4 <|C|>/N", estimate, Enumeration4.Value.At(SamplerRuns.CriticalTemperature).M2);
    }
}
