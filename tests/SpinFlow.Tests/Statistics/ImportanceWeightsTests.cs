using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class ImportanceWeightsTests
{
    [Fact]
    public void EssIsOneForEqualWeightsAndOneOverNForOneDominantWeight()
    {
        Assert.Equal(1.0, ImportanceWeights.Ess([5.0, 5.0, 5.0, 5.0]), 12);
        Assert.Equal(0.25, ImportanceWeights.Ess([800.0, 0.0, 0.0, 0.0]), 12);
        Assert.True(double.IsNaN(ImportanceWeights.Ess([])));
        Assert.True(double.IsNaN(ImportanceWeights.Ess([double.NegativeInfinity, double.NegativeInfinity])));
    }

    [Fact]
    public void SelfNormalisedMeanWeighsEachValueByItsWeightWithoutOverflow()
    {
        // w = (1, 3): (1·1 + 3·2) / 4; shifting every ln w by 1000 must not change it.
        Assert.Equal(1.75, ImportanceWeights.SelfNormalisedMean([0.0, Math.Log(3)], [1.0, 2.0]), 12);
        Assert.Equal(1.75, ImportanceWeights.SelfNormalisedMean([1000.0, 1000 + Math.Log(3)], [1.0, 2.0]), 12);
        Assert.Throws<ArgumentException>(() => ImportanceWeights.SelfNormalisedMean([0.0], [1.0, 2.0]));
    }
}
