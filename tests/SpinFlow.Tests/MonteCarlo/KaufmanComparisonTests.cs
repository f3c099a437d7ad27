using SpinFlow.Exact;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Each sampler on lattices too large to enumerate, against the exact finite-size solution at T_c.</summary>
public class KaufmanComparisonTests
{
    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 16, 40_000, 301UL)]
    [InlineData(SpinAlgorithm.Metropolis, 32, 60_000, 302UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 16, 20_000, 303UL)]
    [InlineData(SpinAlgorithm.SwendsenWang, 32, 20_000, 304UL)]
    [InlineData(SpinAlgorithm.Wolff, 16, 20_000, 305UL)]
    [InlineData(SpinAlgorithm.Wolff, 32, 20_000, 306UL)]
    public void EnergyAndSpecificHeatAtCriticalPoint(SpinAlgorithm algorithm, int size, int sweeps, ulong seed)
    {
        var run = MarkovChainRun.Run(new McmcOptions(size, SamplerRuns.CriticalTemperature, algorithm, sweeps, 2000, 1, seed));
        var exact = KaufmanSolution.Compute(size, SamplerRuns.CriticalTemperature);
        string tag = $"{algorithm} L={size}";
        SamplerRuns.AssertWithin4Sigma($"{tag} <e>", run.Observables.Energy, exact.Energy);
        SamplerRuns.AssertWithin4Sigma($"{tag} c", run.Observables.SpecificHeat, exact.SpecificHeat);
    }
}
