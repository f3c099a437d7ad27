using SpinFlow.Flows;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

public class StructureTests
{
    [Fact]
    public void PaperParameterCounts()
    {
        Assert.Equal(63_200, NnrgFlowOptions.Default.ParameterCount(32));
        Assert.Equal(63_200, NnrgFlow.Create(32, 1).ParameterCount);
        foreach (int size in new[] { 4, 8, 32, 64, 128, 256 })
            Assert.Equal(38_400, SuperResolutionFlowOptions.Default.ParameterCount(size));
        Assert.Equal(38_400, SuperResolutionFlow.Create(16, 1).ParameterCount);
        // Per-coupling formula of DESIGN.md §5: 2·[5h + (n_mlp−1)(h²+h) + 4h + 4] + 4.
        Assert.Equal(632, new RealNvpOptions(10, 10, 3).ParametersPerCoupling);
        Assert.Equal(120, new RealNvpOptions(10, 6, 1).ParametersPerCoupling);
    }

    [Fact]
    public void OptionsAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealNvpOptions(0, 6, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealNvpOptions(10, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NnrgFlowOptions(new RealNvpOptions(1, 1, 1), 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => NnrgFlow.Create(24, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Flow.Create(SuperResolutionFlowOptions.Default, 6, 1));
        Assert.Throws<ArgumentException>(() => new Flow(SuperResolutionFlowOptions.Default, 8, new float[100]));
    }

    [Fact]
    public void EveryLayerPartitionsItsSites()
    {
        foreach (var layer in NnrgFlowOptions.Default.InferenceLayers(16).Concat(SuperResolutionFlowOptions.Default.InferenceLayers(16)))
        {
            var sites = layer.Sites();
            Assert.Equal(sites.Length, sites.Distinct().Count());
            Assert.Equal(4 * layer.PlaquetteCount, sites.Length);
        }
    }

    /// <summary>Sites whose value changes when only the given bijectors are non-identity (zero parameters are the identity).</summary>
    private static HashSet<(int, int)> Touched(FlowArchitecture arch, int size, Func<int, bool> active)
    {
        var flow = RandomFlow(arch, size, 3);
        int per = arch.Bijector.ParameterCount;
        for (int b = 0; b < arch.BijectorCount(size); b++)
            if (!active(b)) Array.Clear(flow.Parameters, b * per, per);
        var z = Gaussian(size * size, 4);
        var x = new float[z.Length];
        flow.Generate(z, x, new double[1]);
        var touched = new HashSet<(int, int)>();
        for (int i = 0; i < z.Length; i++) if (x[i] != z[i]) touched.Add((i / size, i % size));
        return touched;
    }

    private static HashSet<(int, int)> Sublattice(int size, int stride) =>
        [.. from r in Enumerable.Range(0, size) from c in Enumerable.Range(0, size) where r % stride == 0 && c % stride == 0 select (r, c)];

    [Fact]
    public void MeraLevelsTouchTheirSublattices()
    {
        var arch = SmallNnrg();
        // Inference order: level n holds bijectors 2n (disentangler) and 2n + 1 (decimator).
        Assert.Equal(Sublattice(8, 1), Touched(arch, 8, b => b / 2 == 0));
        Assert.Equal(Sublattice(8, 2), Touched(arch, 8, b => b / 2 == 1));
        Assert.Equal(new HashSet<(int, int)> { (0, 0), (0, 4), (4, 0), (4, 4) }, Touched(arch, 8, b => b / 2 == 2));
        Assert.Equal(new HashSet<(int, int)> { (0, 0), (0, 4), (4, 0), (4, 4) }, Touched(arch, 8, b => b == 5));
    }

    [Fact]
    public void SuperResolutionStagesTouchTheirSublattices()
    {
        var arch = SmallSuperRes(); // 2 fine + 2 coarse layers → bijectors 0–3 fine, 4–7 coarse
        Assert.Equal(Sublattice(8, 2), Touched(arch, 8, b => b >= 4));
        Assert.Equal(Sublattice(8, 1), Touched(arch, 8, b => b < 4));
        Assert.All(SuperResolutionFlowOptions.Default.InferenceLayers(16).Where(l => l.Role == "coarse"),
            l => Assert.All(l.Sites(), s => Assert.True(SuperResolutionFlow.IsInputSite(s / 16, s % 16))));
    }

    private static float[] Shift(float[] v, int size, int dr, int dc)
    {
        int n = size * size;
        var r = new float[v.Length];
        for (int b = 0; b < v.Length / n; b++)
            for (int i = 0; i < size; i++)
                for (int j = 0; j < size; j++)
                    r[b * n + ((i + dr) % size) * size + (j + dc) % size] = v[b * n + i * size + j];
        return r;
    }

    [Theory]
    [InlineData("nnrg-depth1", 8, 2, 0)]
    [InlineData("nnrg-depth1", 8, 0, 2)]
    [InlineData("nnrg-depth1", 16, 6, 4)]
    [InlineData("superres", 8, 4, 0)]
    [InlineData("superres", 16, 4, 8)]
    [InlineData("superres", 16, 12, 12)]
    public void ShiftByTilingPeriodCommutesWithTheFlow(string kind, int size, int dr, int dc)
    {
        FlowArchitecture arch = kind == "superres" ? SmallSuperRes() : new NnrgFlowOptions(new RealNvpOptions(3, 5, 2), 1, depth: 1);
        var flow = RandomFlow(arch, size, 9);
        int batch = 2;
        var z = Gaussian(batch * size * size, 10);
        var x = new float[z.Length];
        var xs = new float[z.Length];
        var ld = new double[batch];
        var lds = new double[batch];
        flow.Generate(z, x, ld);
        flow.Generate(Shift(z, size, dr, dc), xs, lds);
        Assert.Equal(Shift(x, size, dr, dc), xs);
        for (int b = 0; b < batch; b++) Assert.Equal(ld[b], lds[b], 1e-9 * (1 + Math.Abs(ld[b])));
    }

    [Fact]
    public void ShiftByLessThanTheCoarsePeriodDoesNotCommute()
    {
        var flow = RandomFlow(SmallSuperRes(), 8, 9);
        var z = Gaussian(64, 10);
        var x = new float[64];
        var xs = new float[64];
        flow.Generate(z, x, new double[1]);
        flow.Generate(Shift(z, 8, 2, 0), xs, new double[1]);
        Assert.NotEqual(Shift(x, 8, 2, 0), xs);
    }

    [Theory]
    [InlineData("nnrg", 8)]
    [InlineData("nnrg", 32)]
    [InlineData("superres", 8)]
    [InlineData("superres", 32)]
    public void EquivariantFlowIsExactlyOdd(string kind, int size)
    {
        FlowArchitecture arch = kind == "nnrg" ? SmallNnrg(equivariant: true) : SmallSuperRes(equivariant: true);
        var flow = RandomFlow(arch, size, 12);
        int batch = 3;
        var z = Gaussian(batch * size * size, 13);
        var minusZ = z.Select(v => -v).ToArray();
        var x = new float[z.Length];
        var xm = new float[z.Length];
        var ld = new double[batch];
        var ldm = new double[batch];
        flow.Generate(z, x, ld);
        flow.Generate(minusZ, xm, ldm);
        Assert.Equal(x.Select(v => -v).ToArray(), xm);
        Assert.Equal(ld, ldm);
        flow.Infer(x, z, ld);
        flow.Infer(xm, minusZ, ldm);
        Assert.Equal(z.Select(v => -v).ToArray(), minusZ);
        Assert.Equal(ld, ldm);
        // Without the option the flow is not odd.
        var plain = RandomFlow(kind == "nnrg" ? SmallNnrg() : SmallSuperRes(), size, 12);
        plain.Generate(z, x, ld);
        plain.Generate(z.Select(v => -v).ToArray(), xm, ldm);
        Assert.NotEqual(x.Select(v => -v).ToArray(), xm);
    }

    [Fact]
    public void InitialisationIsVolumePreservingAndIdentityOnRequest()
    {
        var z = Gaussian(2 * 256, 1);
        var x = new float[z.Length];
        var ld = new double[2];
        var flow = Flow.Create(SuperResolutionFlowOptions.Default, 16, 5);
        flow.Generate(z, x, ld);
        Assert.Equal([0.0, 0.0], ld);
        Assert.NotEqual(z, x);
        var id = Flow.Create(NnrgFlowOptions.Default, 16, 5, identity: true);
        id.Generate(z, x, ld);
        Assert.Equal(z, x);
        Assert.Equal([0.0, 0.0], ld);
    }

    [Fact]
    public void SuperResolutionParametersMoveToOtherSizes()
    {
        var f16 = RandomFlow(SmallSuperRes(), 16, 2);
        var f32 = f16.WithSize(32);
        Assert.Equal(f16.Parameters, f32.Parameters);
        Assert.NotSame(f16.Parameters, f32.Parameters);
        var z = Gaussian(4 * 1024, 3);
        var x = new float[z.Length];
        var back = new float[z.Length];
        var ld = new double[4];
        var ld2 = new double[4];
        f32.Generate(z, x, ld);
        f32.Infer(x, back, ld2);
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(z[i] - back[i]) < 1e-4);
        var ex = Assert.Throws<ArgumentException>(() => NnrgFlow.Create(16, 1).WithSize(32));
        Assert.Contains("cannot move", ex.Message);
        // A fixed-depth NNRG flow is size-independent.
        var shallow = Flow.Create(new NnrgFlowOptions(new RealNvpOptions(2, 3, 1), depth: 2), 8, 1);
        Assert.Equal(shallow.ParameterCount, shallow.WithSize(32).ParameterCount);
    }

    [Fact]
    public void LatentLayoutRoundTrips()
    {
        int l = 4, batch = 2;
        var xi = Gaussian(batch * l * l, 1);
        var g = Gaussian(batch * 3 * l * l, 2);
        var z = new float[batch * 4 * l * l];
        SuperResolutionFlow.ComposeLatent(xi, g, z, l);
        Assert.Equal(xi[l + 2], z[(2 * 1) * (2 * l) + 2 * 2]);
        Assert.Equal(xi[l * l + 3], z[4 * l * l + 2 * 3]);
        var xi2 = new float[xi.Length];
        var g2 = new float[g.Length];
        SuperResolutionFlow.SplitLatent(z, xi2, g2, l);
        Assert.Equal(xi, xi2);
        Assert.Equal(g, g2);
    }

    [Fact]
    public void StackEqualsChainedFlowsAndItsBackwardEqualsTheChainRule()
    {
        var f4 = RandomFlow(SmallSuperRes(), 8, 1);   // Flow_4: 8×8
        var f8 = RandomFlow(SmallSuperRes(), 16, 2);  // Flow_8: 16×16
        var stack = new FlowStack([f4, f8]);
        Assert.Equal(16, stack.Size);
        Assert.Equal([2, 1], stack.Strides);
        int batch = 2;
        var z = Gaussian(batch * 256, 3);
        var x = new float[z.Length];
        var ld = new double[batch];
        var tape = stack.CreateTape(batch);
        stack.Generate(z, x, ld, tape);

        // By hand: f4 on the stride-2 sublattice, then f8 on everything.
        var z1 = new float[batch * 64];
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) z1[b * 64 + i * 8 + j] = z[b * 256 + 2 * i * 16 + 2 * j];
        var x1 = new float[z1.Length];
        var ld1 = new double[batch];
        var tape1 = f4.CreateTape(batch);
        f4.Generate(z1, x1, ld1, tape1);
        var mid = (float[])z.Clone();
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) mid[b * 256 + 2 * i * 16 + 2 * j] = x1[b * 64 + i * 8 + j];
        var x2 = new float[z.Length];
        var ld2 = new double[batch];
        var tape2 = f8.CreateTape(batch);
        f8.Generate(mid, x2, ld2, tape2);
        Assert.Equal(x2, x);
        for (int b = 0; b < batch; b++) Assert.Equal(ld1[b] + ld2[b], ld[b], 1e-9);

        var back = new float[z.Length];
        var ldi = new double[batch];
        stack.Infer(x, back, ldi);
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(z[i] - back[i]) < 1e-4);

        // Backward: stack versus chain rule through the two flows.
        var gx = Gaussian(z.Length, 4);
        double[] gld = [0.5, -1.5];
        var gz = new float[z.Length];
        var gp4 = new float[f4.ParameterCount];
        var gp8 = new float[f8.ParameterCount];
        stack.Backward(tape, gx, gld, gz, [gp4, gp8]);
        var gmid = new float[z.Length];
        var gp8b = new float[f8.ParameterCount];
        f8.Backward(tape2, gx, gld, gmid, gp8b);
        var gx1 = new float[z1.Length];
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) gx1[b * 64 + i * 8 + j] = gmid[b * 256 + 2 * i * 16 + 2 * j];
        var gz1 = new float[z1.Length];
        var gp4b = new float[f4.ParameterCount];
        f4.Backward(tape1, gx1, gld, gz1, gp4b);
        var expected = (float[])gmid.Clone();
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) expected[b * 256 + 2 * i * 16 + 2 * j] = gz1[b * 64 + i * 8 + j];
        Assert.Equal(expected, gz);
        // Parameter sums are grouped differently (blocks span other plaquettes), so they agree to round-off.
        for (int k = 0; k < gp8.Length; k++) Assert.True(Math.Abs(gp8b[k] - gp8[k]) <= 1e-5 * (1 + Math.Abs(gp8b[k])), $"θ8[{k}]");
        for (int k = 0; k < gp4.Length; k++) Assert.True(Math.Abs(gp4b[k] - gp4[k]) <= 1e-5 * (1 + Math.Abs(gp4b[k])), $"θ4[{k}]");

        // Input gradient only (latent HMC) gives the same ∂ℓ/∂z.
        var gzOnly = new float[z.Length];
        stack.Backward(tape, gx, gld, gzOnly);
        Assert.Equal(gz, gzOnly);
    }
}
