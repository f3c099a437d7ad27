using SpinFlow.Flows;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

public class InvertibilityTests
{
    public static TheoryData<string, int, bool> Cases() => new()
    {
        { "nnrg", 4, false }, { "nnrg", 8, false }, { "nnrg", 16, false }, { "nnrg", 32, false }, { "nnrg", 8, true },
        { "superres", 4, false }, { "superres", 8, false }, { "superres", 16, false }, { "superres", 32, false }, { "superres", 8, true },
    };

    private static FlowArchitecture Arch(string kind, bool eq) => kind == "nnrg"
        ? new NnrgFlowOptions(new RealNvpOptions(4, 6, 2, eq))
        : new SuperResolutionFlowOptions(new RealNvpOptions(4, 6, 1, eq), 3, 3);

    [Theory]
    [MemberData(nameof(Cases))]
    public void InferInvertsGenerate(string kind, int size, bool equivariant)
    {
        var flow = RandomFlow(Arch(kind, equivariant), size, 7);
        int batch = 3, n = size * size;
        var z = Gaussian(batch * n, 11);
        var x = new float[batch * n];
        var z2 = new float[batch * n];
        var ldG = new double[batch];
        var ldI = new double[batch];
        flow.Generate(z, x, ldG);
        flow.Infer(x, z2, ldI);
        double maxX = x.Max(v => Math.Abs(v));
        Assert.True(maxX > 0.1 && maxX < 1e4, $"output scale {maxX}");
        // The flow is far from the identity.
        Assert.True(z.Zip(x).Max(p => Math.Abs(p.First - p.Second)) > 0.1);
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(z[i] - z2[i]) < 2e-5 * (1 + Math.Abs(z[i])), $"site {i}: {z[i]} vs {z2[i]}");
        for (int b = 0; b < batch; b++)
        {
            Assert.True(Math.Abs(ldG[b]) > 1e-3, "log-det should be non-trivial");
            Assert.True(Math.Abs(ldG[b] + ldI[b]) < 1e-4 * (1 + Math.Abs(ldG[b])), $"sample {b}: {ldG[b]} vs {ldI[b]}");
        }
    }

    [Fact]
    public void DoubleEngineInvertsToRoundOff()
    {
        var flow = RandomFlow(new SuperResolutionFlowOptions(new RealNvpOptions(4, 6, 1), 2, 2), 8, 3);
        var e = flow.CreateEngine<double>();
        int batch = 2, n = 64;
        var z = ToDouble(Gaussian(batch * n, 5));
        var x = new double[z.Length];
        var z2 = new double[z.Length];
        var l1 = new double[batch];
        var l2 = new double[batch];
        e.Generate(z, x, l1);
        e.Infer(x, z2, l2);
        for (int i = 0; i < z.Length; i++) Assert.Equal(z[i], z2[i], 1e-12);
        for (int b = 0; b < batch; b++) Assert.Equal(-l1[b], l2[b], 1e-12);
    }
}

public class ProductionInvertibilityTests
{
    /// <summary>
    /// Paper architectures at 128×128 with PyTorch-like weights and a uniform in ±<paramref name="aScale"/>. The float
    /// forward pass agrees with the double engine to ~1e-6; what remains is the conditioning of the deep map (rounding of
    /// x amplified by the inverse), which grows with |a|, so the bounds are stated per parameter scale.
    /// </summary>
    [Theory]
    [InlineData("nnrg", 0.3, 1e-5, 1e-5)]
    [InlineData("superres", 0.0, 3e-5, 1e-5)]
    [InlineData("superres", 0.1, 1e-4, 3e-5)]
    public void GenerateAndInferInvertEachOtherAt128(string kind, double aScale, double maxRelative, double rmsRelative)
    {
        FlowArchitecture arch = kind == "nnrg" ? NnrgFlowOptions.Default : SuperResolutionFlowOptions.Default;
        var flow = Flow.Create(arch, 128, 3);
        var o = arch.Bijector;
        var rng = new SpinFlow.Randomness.Xoshiro256(4);
        for (int i = 0; i < flow.ParameterCount; i++)
            if ((i % o.ParametersPerCoupling) >= 2 * o.ParametersPerNet) flow.Parameters[i] = (float)(aScale * (2 * rng.NextDouble() - 1));
        var z = FlowTestUtil.Gaussian(2 * 128 * 128, 5);
        var x = new float[z.Length];
        var back = new float[z.Length];
        var ld = new double[2];
        var ldi = new double[2];
        flow.Generate(z, x, ld);
        flow.Infer(x, back, ldi);
        double maxErr = 0, maxZ = 0, sErr = 0, sZ = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double d = z[i] - back[i];
            maxErr = Math.Max(maxErr, Math.Abs(d));
            maxZ = Math.Max(maxZ, Math.Abs(z[i]));
            sErr += d * d;
            sZ += (double)z[i] * z[i];
        }
        Assert.True(maxErr / maxZ < maxRelative, $"max |z − f⁻¹(f(z))| / max |z| = {maxErr / maxZ:E2}");
        Assert.True(Math.Sqrt(sErr / sZ) < rmsRelative, $"rms relative error {Math.Sqrt(sErr / sZ):E2}");
        for (int b = 0; b < 2; b++) Assert.True(Math.Abs(ld[b] + ldi[b]) < 1e-6 * (1 + Math.Abs(ld[b])), $"{ld[b]} vs {ldi[b]}");
        Assert.True(x.Zip(z).Max(p => Math.Abs(p.First - p.Second)) > 0.1, "flow should be far from the identity");
    }
}
