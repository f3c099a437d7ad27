using SpinFlow.Latent;
using SpinFlow.SuperResolution;
using SpinFlow.Tests.Latent;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>How the exact samplers take their latent: its size, and where the chains start.</summary>
public class SamplerLatentTests
{
    [Fact]
    public void SamplersRejectAPriorOfAnotherSize()
    {
        var flow = RandomFlow(SmallNnrg(), 8, 1);
        var options = new LatentHmcOptions(2, 0, 4);
        Assert.Throws<ArgumentException>(() => new LatentHmcSampler(flow, new GaussianLatent(4), 3.0, options));
        var inputs = ExactSamplingTests.InputData(2, 3.0, 4, 1);
        Assert.Throws<ArgumentException>(() => new FlowMetropolisSampler(flow, LatentTestUtil.OverData(2, 1, inputs), 3.0, new FlowMetropolisOptions(2, 3.0, 0, 4)));
    }

    [Fact]
    public void AGivenStartIsWhereTheChainsBegin()
    {
        var flow = RandomFlow(SmallNnrg(), 8, 1);
        var sampler = new LatentHmcSampler(flow, new GaussianLatent(8), 3.0, new LatentHmcOptions(2, 0, 8, seed: 5));
        var first = sampler.Run();
        Assert.Equal(2 * 64, first.LatentHmc!.FinalLatent.Length);
        Assert.True(double.IsFinite(first.WeightEss));

        // Continuing from the final latents measures, before any trajectory, what the first run measured last.
        var next = sampler.Run(start: first.LatentHmc!.FinalLatent);
        Assert.Equal(first.M2Trace[^1], next.M2Trace[0], 12);
        Assert.True(double.IsNaN(next.WeightEss));
        Assert.Throws<ArgumentException>(() => sampler.Run(start: new double[64]));
    }
}
