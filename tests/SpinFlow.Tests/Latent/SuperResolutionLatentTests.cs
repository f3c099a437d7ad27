using SpinFlow.Flows;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Latent;
using SpinFlow.Tests.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Latent;

public class SuperResolutionLatentTests
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
        var prior = LatentTestUtil.OverData(inputSize, levels, new double[inputSize * inputSize]);
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
    /// <summary>
    /// LevelGrids splits every level into periodic square grids: together they hold each site of that level once, a step
    /// along a grid row or column is a fixed lattice translation (with wrap-around), and ξ's grid is its input sites in order.
    /// </summary>
    [Theory]
    [InlineData(2, 2)]
    [InlineData(4, 3)]
    public void LevelGridsArePeriodicGridsThatPartitionEachLevel(int inputSize, int levels)
    {
        var prior = LatentTestUtil.OverData(inputSize, levels, new double[inputSize * inputSize]);
        int size = prior.Size;
        var seen = new int[prior.Sites];
        for (int k = 0; k <= levels; k++)
        {
            var grids = prior.LevelGrids(k);
            Assert.Equal(k == 0 ? 1 : 3, grids.Count);
            foreach (var grid in grids)
            {
                int m = (int)Math.Round(Math.Sqrt(grid.Length));
                Assert.Equal(m * m, grid.Length);
                Assert.Equal(k == 0 ? inputSize : inputSize << (k - 1), m);
                int step = size / m;
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < m; c++)
                    {
                        int site = grid[r * m + c];
                        Assert.Equal(k, prior.LevelOf(site));
                        seen[site]++;
                        int right = grid[r * m + (c + 1) % m], down = grid[(r + 1) % m * m + c];
                        Assert.Equal((site / size) * size + (site % size + step) % size, right);
                        Assert.Equal((site / size + step) % size * size + site % size, down);
                    }
                if (k == 0)
                    for (int r = 0; r < m; r++)
                        for (int c = 0; c < m; c++) Assert.True(prior.IsInputSite(grid[r * m + c] / size, grid[r * m + c] % size));
            }
        }
        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.Throws<ArgumentOutOfRangeException>(() => prior.LevelGrids(levels + 1));
    }

    [Fact]
    public void TwoLevelLayoutFeedsTheStackAsTheFlowsDoOneByOne()
    {
        const int batch = 3;
        var f2 = RandomFlow(SmallSuperRes(), 4, 1, scale: 0.3, aScale: 0.2);
        var f4 = RandomFlow(SmallSuperRes(), 8, 2, scale: 0.3, aScale: 0.2);
        var stack = new FlowStack([f2, f4]);
        var inputs = ExactSamplingTests.InputData(2, 3.0, 8, 3);
        var prior = LatentTestUtil.OverData(2, 2, inputs);
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
        var prior = LatentTestUtil.OverData(2, 2, inputs, model);
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
        var gaussian = new GaussianLatent(4);
        var zg = gaussian.Draw(2, 1);
        var lnG = new double[2];
        gaussian.LogDensity(zg, lnG);
        Assert.Equal(-0.5 * zg.Take(16).Sum(v => v * v), lnG[0], 1e-9);
        Assert.False(LatentTestUtil.OverData(2, 1, inputs).HasDensity);
    }

    /// <summary>
    /// The one stream order, for one and for two levels: the data-set picks of the whole batch (one NextInt each), then all
    /// noises of the batch in one Gaussian fill, sample-major and coarsest level first, composed as Compose lays them out.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void DrawsTheInputsOfTheBatchThenAllItsNoises(int levels)
    {
        const int batch = 3, count = 8;
        var inputs = ExactSamplingTests.InputData(2, 3.0, count, 7);
        var latent = LatentTestUtil.OverData(2, levels, inputs);
        var z = new float[batch * latent.Sites];
        latent.Draw(new Xoshiro256(11), z);

        var rng = new Xoshiro256(11);
        var xi = new float[batch * 4];
        for (int b = 0; b < batch; b++)
        {
            int pick = rng.NextInt(count);
            for (int i = 0; i < 4; i++) xi[b * 4 + i] = (float)inputs[pick * 4 + i];
        }
        var noise = new float[batch * latent.NoiseSites];
        rng.FillGaussian(noise);
        var expected = new float[z.Length];
        latent.Compose(xi, noise, expected);
        Assert.Equal(expected, z);
    }

    /// <summary>
    /// A super-resolution latent around another one is one latent of more levels: training and generation built it by
    /// nesting, the samplers from the level count, and with batch ≥ 2 the two used to draw different z from one seed.
    /// </summary>
    [Fact]
    public void NestedLatentsDrawWhatTheLatentOfAllLevelsDraws()
    {
        var data = new DataSetDistribution(ExactSamplingTests.InputData(2, 3.0, 8, 7), 2) { Entropy = 1.25 };
        var nested = new SuperResolutionLatent(new SuperResolutionLatent(data));
        var flat = new SuperResolutionLatent(data, 2);
        Assert.Equal(2, nested.Levels);
        Assert.Same(data, nested.Input);
        Assert.Equal(8, nested.Size);
        Assert.Equal(flat.Entropy!.Value, nested.Entropy!.Value, 12);
        // H(ξ) plus the entropy of 12 + 48 independent N(0, 1) noises.
        Assert.Equal(1.25 + 30 * Math.Log(2 * Math.PI * Math.E), flat.Entropy!.Value, 12);
        for (int i = 0; i < flat.Sites; i++) Assert.Equal(flat.LevelOf(i), nested.LevelOf(i));
        Assert.Equal(flat.Draw(5, 3), nested.Draw(5, 3));
    }

    /// <summary>Generation through a stack draws z from the stack's latent exactly as the samplers draw their starting points.</summary>
    [Fact]
    public void GenerationThroughAStackUsesTheSamplersDraws()
    {
        const int batch = 4;
        var stack = new FlowStack([RandomFlow(SmallSuperRes(), 4, 1, scale: 0.3, aScale: 0.2), RandomFlow(SmallSuperRes(), 8, 2, scale: 0.3, aScale: 0.2)]);
        var latent = LatentTestUtil.OverData(2, 2, ExactSamplingTests.InputData(2, 3.0, 8, 3));
        float[] x = new GeneratedDistribution(stack, latent).DrawDataSet(batch, seed: 9, batch: batch);
        var z = new float[batch * 64];
        latent.Draw(Xoshiro256.ForStream(9, 0), z);
        var expected = new float[z.Length];
        stack.Generate(z, expected, new double[batch]);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void TheGaussianLatentHasExactEntropyAndDensityAndNoLevels()
    {
        var gaussian = new GaussianLatent(4);
        Assert.Equal(8 * Math.Log(2 * Math.PI * Math.E), gaussian.Entropy!.Value, 12);
        Assert.Equal(0, gaussian.Levels);
        Assert.Equal(0, gaussian.LevelOf(15));
        Assert.False(gaussian.IsInputSite(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => gaussian.LevelOf(16));
        Assert.Throws<ArgumentException>(() => gaussian.Draw(new Xoshiro256(1), new float[15]));
        var data = new DataSetDistribution(ExactSamplingTests.InputData(2, 3.0, 8, 7), 2);
        Assert.False(data.HasDensity);
        Assert.Null(new SuperResolutionLatent(data).Entropy);
        Assert.Throws<InvalidOperationException>(() => new SuperResolutionLatent(data).LogDensity(new double[16], new double[1]));
    }
}
