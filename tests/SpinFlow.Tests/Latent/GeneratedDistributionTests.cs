using SpinFlow.Flows;
using SpinFlow.Latent;
using SpinFlow.Tests.SuperResolution;

namespace SpinFlow.Tests.Latent;

public class GeneratedDistributionTests
{
    [Fact]
    public void GeneratedDataSetIsTheFlowOfLatentsFromItsSource()
    {
        var generator = LatentSourceTrainingTests.LowerLevel(out _);
        var baseSet = (DataSetDistribution)((SuperResolutionLatent)generator.Latent).Input;
        const int count = 50;
        float[] x = generator.DrawDataSet(count, seed: 4, batch: 16);
        Assert.Equal(count * 16, x.Length);
        Assert.Equal(x, generator.DrawDataSet(count, seed: 4, batch: 16));
        Assert.NotEqual(x, generator.DrawDataSet(count, seed: 5, batch: 16));

        // Inverting the flow recovers latents whose ξ sites hold configurations of the base data set.
        var z = new float[x.Length];
        generator.Flow.Infer(x, z, new double[count]);
        var xi = new float[count * 4];
        SuperResolutionFlow.SplitLatent(z, xi, new float[count * 12], 2);
        var data = baseSet.Data.ToArray();
        for (int s = 0; s < count; s++)
        {
            double best = double.PositiveInfinity;
            for (int c = 0; c < baseSet.Count; c++)
            {
                double d = 0;
                for (int i = 0; i < 4; i++) d = Math.Max(d, Math.Abs(xi[s * 4 + i] - data[c * 4 + i]));
                best = Math.Min(best, d);
            }
            Assert.True(best < 1e-4, $"sample {s}: recovered ξ is {best} away from every data-set configuration");
        }
    }
}
