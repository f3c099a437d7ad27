using SpinFlow.Flows;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Flows;

internal static class FlowTestUtil
{
    /// <summary>Small NNRG flow (fast): 3 couplings, h = 5, n_mlp = 2.</summary>
    public static NnrgFlowOptions SmallNnrg(bool equivariant = false, int repeat = 1) =>
        new(new RealNvpOptions(3, 5, 2, equivariant), repeat);

    /// <summary>Small super-resolution flow: 2 + 2 layers, 3 couplings, h = 4, n_mlp = 1.</summary>
    public static SuperResolutionFlowOptions SmallSuperRes(bool equivariant = false) =>
        new(new RealNvpOptions(3, 4, 1, equivariant), 2, 2);

    /// <summary>A flow far from the identity: every parameter uniform in ±<paramref name="scale"/>, a in ±<paramref name="aScale"/>.</summary>
    public static Flow RandomFlow(FlowArchitecture arch, int size, ulong seed, double scale = 0.5, double aScale = 0.4)
    {
        var flow = Flow.Create(arch, size, seed);
        Randomize(flow, seed + 1000, scale, aScale);
        return flow;
    }

    public static void Randomize(Flow flow, ulong seed, double scale = 0.5, double aScale = 0.4)
    {
        var rng = new Xoshiro256(seed);
        var o = flow.Architecture.Bijector;
        for (int i = 0; i < flow.ParameterCount; i++)
        {
            int inCoupling = (i % o.ParameterCount) % o.ParametersPerCoupling;
            bool isA = inCoupling >= 2 * o.ParametersPerNet;
            double s = isA ? aScale : scale;
            flow.Parameters[i] = (float)((2 * rng.NextDouble() - 1) * s);
        }
    }

    public static float[] Gaussian(int n, ulong seed)
    {
        var v = new float[n];
        new Xoshiro256(seed).FillGaussian(v);
        return v;
    }

    public static double[] ToDouble(float[] v) => v.Select(f => (double)f).ToArray();

    public static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (var v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }
}
