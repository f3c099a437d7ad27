using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class ChainAveragesTests
{
    [Fact]
    public void EachStepIsTheMeanOverChainsAndEveryChainIsKeptStepMajor()
    {
        var chainM2 = new List<double>();
        var chainEnergy = new List<double>();
        var averages = new ChainAverages(16, 2, chainM2, chainEnergy);
        double m2 = averages.Add([-1.0, -2.0], [1.0, 4.0], [0.25, 0.75], [0.5, 0.5], [0.0625, 0.5625]);
        Assert.Equal(0.5, m2);
        averages.Add([-1.5, -0.5], [2.25, 0.25], [0.5, 0.0], [0.7, 0.1], [0.25, 0.0]);
        Assert.Equal(2, averages.Count);
        Assert.Equal([0.25, 0.75, 0.5, 0.0], chainM2);
        Assert.Equal([-1.0, -2.0, -1.5, -0.5], chainEnergy);
        // ⟨e⟩ over the chain-averaged series: (−1.5 − 1.0) / 2.
        Assert.Equal(-1.25, averages.Analyze(2.0).Energy.Mean, 12);
    }

    [Fact]
    public void AStepNeedsOneValuePerChain()
    {
        var averages = new ChainAverages(16, 2);
        Assert.Throws<ArgumentException>(() => averages.Add([1.0], [1.0], [1.0], [1.0], [1.0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ChainAverages(16, 0));
    }
}
