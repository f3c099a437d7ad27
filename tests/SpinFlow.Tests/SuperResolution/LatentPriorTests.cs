using SpinFlow.Flows;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

public class LatentPriorTests
{
    /// <summary>
    /// LevelOf names the level each latent site belongs to as Compose lays them out: ξ (0), then level 1's noises, then
    /// level 2's, for a 2 → 4 → 8 and a 4 → 8 → 16 → 32 stack.
    /// </summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 3)]
    public void LevelOfMatchesTheComposedLayout(int inputSize, int levels)
    {
        var prior = new SuperResolutionLatentPrior(inputSize, levels, new double[inputSize * inputSize]);
        var xi = new float[inputSize * inputSize];
        var noise = new float[prior.NoiseSites];
        // Compose takes the noises level by level: level k adds 3·(L0·2^(k−1))² of them.
        int offset = 0;
        for (int k = 1; k <= levels; k++)
        {
            int count = 3 * (inputSize << (k - 1)) * (inputSize << (k - 1));
            noise.AsSpan(offset, count).Fill(k);
            offset += count;
        }
        Assert.Equal(noise.Length, offset);
        var z = new float[prior.Sites];
        prior.Compose(xi, noise, z);
        for (int i = 0; i < prior.Sites; i++) Assert.Equal(z[i], prior.LevelOf(i));
        Assert.Throws<ArgumentOutOfRangeException>(() => prior.LevelOf(prior.Sites));
    }

    /// <summary>
    /// The prior's two-level layout must be what the stack expects: F_stack(z) equals Flow_4(ξ′ ⊕ g₂) with
    /// ξ′ = Flow_2(ξ ⊕ g₁), each ⊕ the single-flow checkerboard layout, for the same ξ and noises.
    /// </summary>
    [Fact]
    public void TwoLevelLayoutFeedsTheStackAsTheFlowsDoOneByOne()
    {
        const int batch = 3;
        var f2 = RandomFlow(SmallSuperRes(), 4, 1, scale: 0.3, aScale: 0.2);
        var f4 = RandomFlow(SmallSuperRes(), 8, 2, scale: 0.3, aScale: 0.2);
        var stack = new FlowStack([f2, f4]);
        var inputs = ExactSamplingTests.InputData(2, 3.0, 8, 3);
        var prior = new SuperResolutionLatentPrior(2, 2, inputs);
        Assert.Equal(8, prior.Size);
        Assert.Equal(4, prior.Stride);
        Assert.Equal(60, prior.NoiseSites);

        var xi = inputs.AsSpan(0, batch * 4).ToArray().Select(v => (float)v).ToArray();
        var noise = Gaussian(batch * 60, 4);
        var z = new float[batch * 64];
        prior.Compose(xi, noise, z);
        var x = new float[z.Length];
        var logDet = new double[batch];
        stack.Generate(z, x, logDet);

        // One flow at a time: level 1's noises are the first 12 of each sample, level 2's the next 48.
        var g1 = new float[batch * 12];
        var g2 = new float[batch * 48];
        for (int b = 0; b < batch; b++)
        {
            noise.AsSpan(b * 60, 12).CopyTo(g1.AsSpan(b * 12));
            noise.AsSpan(b * 60 + 12, 48).CopyTo(g2.AsSpan(b * 48));
        }
        var z1 = new float[batch * 16];
        SuperResolutionFlow.ComposeLatent(xi, g1, z1, 2);
        var mid = new float[z1.Length];
        var ld1 = new double[batch];
        f2.Generate(z1, mid, ld1);
        var z2 = new float[batch * 64];
        SuperResolutionFlow.ComposeLatent(mid, g2, z2, 4);
        var x2 = new float[z2.Length];
        var ld2 = new double[batch];
        f4.Generate(z2, x2, ld2);

        for (int i = 0; i < x.Length; i++) Assert.Equal(x2[i], x[i], 1e-5f);
        for (int b = 0; b < batch; b++) Assert.Equal(ld1[b] + ld2[b], logDet[b], 1e-6);
        for (int r = 0; r < 8; r++)
            for (int c = 0; c < 8; c++)
                Assert.Equal(r % 4 == 0 && c % 4 == 0, prior.IsInputSite(r, c));
    }

    [Fact]
    public void DrawsPutDataSetConfigurationsOnTheInputSitesAndReportTheirDensity()
    {
        const double t = 3.0;
        var inputs = ExactSamplingTests.InputData(2, t, 8, 5);
        var model = new RelaxedIsing(2, t);
        var prior = new SuperResolutionLatentPrior(2, 2, inputs, model);
        var z = prior.Draw(5, 9);
        Assert.Equal(z, prior.Draw(5, 9));
        var lnP = new double[5];
        prior.LogDensity(z, lnP);
        for (int b = 0; b < 5; b++)
        {
            var zs = z.AsSpan(b * 64, 64);
            double[] xi = [zs[0], zs[4], zs[32], zs[36]];
            bool fromData = Enumerable.Range(0, 8).Any(k => Enumerable.Range(0, 4).All(i => (float)inputs[k * 4 + i] == (float)xi[i]));
            Assert.True(fromData, $"chain {b}: ξ is not a data-set configuration");
            double g2 = 0;
            for (int s = 0; s < 64; s++) if (!prior.IsInputSite(s / 8, s % 8)) g2 += zs[s] * zs[s];
            Assert.Equal(-model.Energy(xi) - 0.5 * g2, lnP[b], 1e-9);
        }
        var gaussian = new GaussianLatentPrior(4);
        var zg = gaussian.Draw(2, 1);
        var lnG = new double[2];
        gaussian.LogDensity(zg, lnG);
        Assert.Equal(-0.5 * zg.Take(16).Sum(v => v * v), lnG[0], 1e-9);
        Assert.False(new SuperResolutionLatentPrior(2, 1, inputs).HasDensity);
    }

    [Fact]
    public void SamplersRejectAPriorOfAnotherSize()
    {
        var flow = RandomFlow(SmallNnrg(), 8, 1);
        var options = new LatentHmcOptions(2, 0, 4);
        Assert.Throws<ArgumentException>(() => new LatentHmcSampler(flow, new GaussianLatentPrior(4), 3.0, options));
        var inputs = ExactSamplingTests.InputData(2, 3.0, 4, 1);
        Assert.Throws<ArgumentException>(() => new FlowMetropolisSampler(flow, new SuperResolutionLatentPrior(2, 1, inputs), 3.0, new FlowMetropolisOptions(2, 3.0, 0, 4)));
    }

    [Fact]
    public void AGivenStartIsWhereTheChainsBegin()
    {
        var flow = RandomFlow(SmallNnrg(), 8, 1);
        var sampler = new LatentHmcSampler(flow, new GaussianLatentPrior(8), 3.0, new LatentHmcOptions(2, 0, 8, seed: 5));
        var first = sampler.Run();
        Assert.Equal(2 * 64, first.LatentHmc!.FinalLatent.Length);
        Assert.True(double.IsFinite(first.WeightEss));

        // Continuing from the final latents measures, before any trajectory, what the first run measured last.
        var next = sampler.Run(start: first.LatentHmc!.FinalLatent);
        Assert.Equal(first.M2Trace[^1], next.M2Trace[0], 12);
        Assert.True(double.IsNaN(next.WeightEss));
        Assert.Throws<ArgumentException>(() => sampler.Run(start: new double[64]));
    }

    /// <summary>A prior is also a training source: the Gaussian one draws what <see cref="GaussianConfigurations"/> draws from the same stream.</summary>
    [Fact]
    public void PriorsAreConfigurationSources()
    {
        IConfigurationSource prior = new GaussianLatentPrior(4);
        var reference = new GaussianConfigurations(4);
        Assert.Equal(reference.Entropy, prior.Entropy);
        var a = new float[3 * 16];
        var b = new float[3 * 16];
        prior.Draw(new SpinFlow.Randomness.Xoshiro256(6), a);
        reference.Draw(new SpinFlow.Randomness.Xoshiro256(6), b);
        Assert.Equal(b, a);
        var inputs = ExactSamplingTests.InputData(2, 3.0, 4, 1);
        IConfigurationSource stackPrior = new SuperResolutionLatentPrior(2, 2, inputs);
        Assert.Equal(8, stackPrior.Size);
        Assert.Null(stackPrior.Entropy);
        var z = new float[2 * 64];
        stackPrior.Draw(new SpinFlow.Randomness.Xoshiro256(6), z);
        Assert.Equal(((SuperResolutionLatentPrior)stackPrior).Draw(2, 6), z.Select(v => (double)v).ToArray());
    }
}
