using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>The three samplers sample the same distribution on a lattice too large to enumerate.</summary>
public class SamplerAgreementTests
{
    [Fact]
    public void AllSamplersAgreeOnM2AtCriticalPointL16()
    {
        const int size = 16;
        double t = SamplerRuns.CriticalTemperature;
        var metropolis = SamplerRuns.Analyze(new Metropolis(size, t, 101), 2000, 60_000).M2;
        var threaded = SamplerRuns.Analyze(new Metropolis(size, t, 102, threads: 2), 2000, 30_000).M2;
        var sw = SamplerRuns.Analyze(new SwendsenWang(size, t, 103), 500, 20_000).M2;
        var wolff = SamplerRuns.Analyze(new Wolff(size, t, 104), 500, 20_000).M2;
        SamplerRuns.AssertAgree("Metropolis vs SW", metropolis, sw);
        SamplerRuns.AssertAgree("Metropolis vs Wolff", metropolis, wolff);
        SamplerRuns.AssertAgree("SW vs Wolff", sw, wolff);
        SamplerRuns.AssertAgree("Metropolis (2 threads) vs SW", threaded, sw);
    }

    [Theory]
    [InlineData(8, 201UL)]
    [InlineData(16, 202UL)]
    public void WolffClusterSizeEstimatorMatchesM2(int size, ulong seed)
    {
        var wolff = new Wolff(size, SamplerRuns.CriticalTemperature, seed);
        int n = size * size;
        for (int i = 0; i < 500; i++) wolff.Sweep();
        var sizes = new List<double>();
        var m2 = new List<double>();
        long built0 = wolff.ClustersBuilt, spins0 = (long)Math.Round(wolff.MeanClusterSize * wolff.ClustersBuilt);
        for (int i = 0; i < 20_000; i++)
        {
            double m = SpinFlow.Lattice.SpinConfiguration.TotalMagnetization(wolff.Spins) / (double)n;
            m2.Add(m * m);
            wolff.Sweep();
            foreach (int c in wolff.LastSweepClusterSizes) sizes.Add(c / (double)n);
        }
        var improved = TimeSeries.Analyze(sizes.ToArray());
        var direct = TimeSeries.Analyze(m2.ToArray());
        SamplerRuns.AssertAgree($"Wolff L={size} <|C|>/N vs <m2>", improved, direct);

        // The running mean covers the same clusters as the per-sweep lists.
        long built = wolff.ClustersBuilt - built0;
        double total = wolff.MeanClusterSize * wolff.ClustersBuilt - spins0;
        Assert.Equal(sizes.Count, built);
        Assert.Equal(sizes.Sum() * n, total, 1e-6 * total);
    }
}
