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
