using MathNet.Numerics.LinearAlgebra;
using SpinFlow.Flows;
using SpinFlow.Randomness;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

public class JacobianAndGradientTests
{
    private static FlowArchitecture Arch(string kind, bool eq = false) => kind == "nnrg" ? SmallNnrg(eq) : SmallSuperRes(eq);

    [Theory]
    [InlineData("nnrg", 4, false)]
    [InlineData("nnrg", 8, false)]
    [InlineData("superres", 4, false)]
    [InlineData("superres", 8, false)]
    [InlineData("superres", 8, true)]
    [InlineData("nnrg", 4, true)]
    public void LogDetEqualsLnAbsDetOfFiniteDifferenceJacobian(string kind, int size, bool eq)
    {
        var flow = RandomFlow(Arch(kind, eq), size, 21);
        var e = flow.CreateEngine<double>();
        int n = size * size;
        var z = ToDouble(Gaussian(n, 3));
        var x = new double[n];
        var ld = new double[1];
        e.Generate(z, x, ld);

        // All 2n perturbed inputs in one batch.
        const double h = 1e-5;
        var zs = new double[2 * n * n];
        for (int j = 0; j < n; j++)
        {
            z.CopyTo(zs, (2 * j) * n);
            z.CopyTo(zs, (2 * j + 1) * n);
            zs[(2 * j) * n + j] += h;
            zs[(2 * j + 1) * n + j] -= h;
        }
        var xs = new double[zs.Length];
        e.Generate(zs, xs, new double[2 * n]);
        var jac = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                jac[i, j] = (xs[(2 * j) * n + i] - xs[(2 * j + 1) * n + i]) / (2 * h);
        var u = jac.LU().U;
        double lnAbsDet = 0;
        for (int i = 0; i < n; i++) lnAbsDet += Math.Log(Math.Abs(u[i, i]));
        Assert.True(Math.Abs(ld[0]) > 0.05, $"log-det {ld[0]} too close to 0 for a meaningful test");
        Assert.Equal(lnAbsDet, ld[0], 1e-6);
    }

    /// <summary>ℓ = Σ_b [Σ_i (u_i x_bi + ½ v x_bi²) + κ_b logDet_b]: uses both the output and the log-det.</summary>
    private sealed class Loss(int n, int batch)
    {
        public readonly double[] U = ToDouble(Gaussian(n, 77));
        public readonly double V = 0.3;
        public readonly double[] Kappa = Enumerable.Range(0, batch).Select(b => 0.7 - 0.4 * b).ToArray();

        public double Value(double[] x, double[] ld)
        {
            double s = 0;
            for (int b = 0; b < Kappa.Length; b++)
            {
                for (int i = 0; i < n; i++) { double xi = x[b * n + i]; s += U[i] * xi + 0.5 * V * xi * xi; }
                s += Kappa[b] * ld[b];
            }
            return s;
        }

        public double[] GradX(double[] x)
        {
            var g = new double[x.Length];
            for (int k = 0; k < x.Length; k++) g[k] = U[k % n] + V * x[k];
            return g;
        }
    }

    [Theory]
    [InlineData("nnrg", 4, false)]
    [InlineData("nnrg", 8, false)]
    [InlineData("superres", 4, false)]
    [InlineData("superres", 8, false)]
    [InlineData("nnrg", 4, true)]
    [InlineData("superres", 8, true)]
    public void GradientsMatchCentralDifferencesInDouble(string kind, int size, bool eq)
    {
        var flow = RandomFlow(Arch(kind, eq), size, 33);
        var p = ToDouble(flow.Parameters);
        int n = size * size, batch = 2;
        var z = ToDouble(Gaussian(batch * n, 8));
        var loss = new Loss(n, batch);
        var e = Engine(flow, p);

        double Eval(FlowEngine<double> eng, double[] zz)
        {
            var x = new double[zz.Length];
            var ld = new double[batch];
            eng.Generate(zz, x, ld);
            return loss.Value(x, ld);
        }

        var tape = Enumerable.Range(0, e.Layers.Count).Select(_ => new double[batch * n]).ToArray();
        var xOut = new double[batch * n];
        var ldOut = new double[batch];
        e.Generate(z, xOut, ldOut, tape);
        var gz = new double[batch * n];
        var gp = new double[p.Length];
        e.Backward(tape, loss.GradX(xOut), loss.Kappa, gz, [gp], new double[batch * n]);

        const double h = 1e-5;
        // Input gradient: every site of the first sample and a few of the second.
        var rng = new Xoshiro256(4);
        var sites = Enumerable.Range(0, n).Concat(Enumerable.Range(0, 6).Select(_ => n + rng.NextInt(n))).Distinct();
        foreach (int k in sites)
        {
            var zp = (double[])z.Clone(); zp[k] += h;
            var zm = (double[])z.Clone(); zm[k] -= h;
            double fd = (Eval(e, zp) - Eval(e, zm)) / (2 * h);
            Assert.True(Math.Abs(fd - gz[k]) < 1e-6 * (1 + Math.Abs(fd)), $"∂ℓ/∂z[{k}]: backward {gz[k]}, central difference {fd}");
        }

        // Parameter gradient: a random sample of indices plus every 'a' entry of the first bijector.
        var o = flow.Architecture.Bijector;
        var indices = Enumerable.Range(0, 150).Select(_ => rng.NextInt(p.Length))
            .Concat(Enumerable.Range(0, o.Couplings).SelectMany(j => Enumerable.Range(j * o.ParametersPerCoupling + 2 * o.ParametersPerNet, 4)))
            .Distinct().ToArray();
        int nonZero = 0;
        foreach (int k in indices)
        {
            double saved = p[k];
            p[k] = saved + h; double fp = Eval(e, z);
            p[k] = saved - h; double fm = Eval(e, z);
            p[k] = saved;
            double fd = (fp - fm) / (2 * h);
            Assert.True(Math.Abs(fd - gp[k]) < 1e-6 * (1 + Math.Abs(fd)), $"∂ℓ/∂θ[{k}]: backward {gp[k]}, central difference {fd}");
            if (Math.Abs(fd) > 1e-3) nonZero++;
        }
        Assert.True(nonZero > indices.Length / 3, $"only {nonZero} of {indices.Length} sampled gradients are non-zero");
    }

    private static FlowEngine<double> Engine(Flow flow, double[] p) => Flow.BuildEngine([(flow, 1, p, 0)], flow.Size, 1, 1);

    [Theory]
    [InlineData("nnrg", 16)]
    [InlineData("superres", 16)]
    [InlineData("nnrg-eq", 8)]
    [InlineData("superres-eq", 8)]
    public void Float32PathMatchesDoublePath(string kind, int size)
    {
        FlowArchitecture arch = kind switch
        {
            "nnrg" => NnrgFlowOptions.Default,
            "superres" => SuperResolutionFlowOptions.Default,
            "nnrg-eq" => SmallNnrg(equivariant: true),
            _ => SmallSuperRes(equivariant: true),
        };
        var flow = RandomFlow(arch, size, 5, scale: 0.3, aScale: 0.3);
        var e = flow.CreateEngine<double>();
        int n = size * size, batch = 4;
        var zf = Gaussian(batch * n, 9);
        var zd = ToDouble(zf);
        var loss = new Loss(n, batch);

        var tapeF = flow.CreateTape(batch);
        var xf = new float[batch * n];
        var ldf = new double[batch];
        flow.Generate(zf, xf, ldf, tapeF);
        var gzf = new float[batch * n];
        var gpf = new float[flow.ParameterCount];
        var gxd = loss.GradX(xf.Select(v => (double)v).ToArray());
        flow.Backward(tapeF, gxd.Select(v => (float)v).ToArray(), loss.Kappa, gzf, gpf);

        var tapeD = Enumerable.Range(0, e.Layers.Count).Select(_ => new double[batch * n]).ToArray();
        var xd = new double[batch * n];
        var ldd = new double[batch];
        e.Generate(zd, xd, ldd, tapeD);
        var gzd = new double[batch * n];
        var gpd = new double[flow.ParameterCount];
        e.Backward(tapeD, gxd, loss.Kappa, gzd, [gpd], new double[batch * n]);

        double xScale = MaxAbs(xd);
        for (int i = 0; i < xd.Length; i++) Assert.True(Math.Abs(xf[i] - xd[i]) < 1e-5 * xScale, $"x[{i}] {xf[i]} vs {xd[i]}");
        for (int b = 0; b < batch; b++) Assert.True(Math.Abs(ldf[b] - ldd[b]) < 1e-5 * (1 + Math.Abs(ldd[b])), $"logdet {ldf[b]} vs {ldd[b]}");
        Assert.True(RelativeError(gzf, gzd) < 1e-4, $"input gradient relative error {RelativeError(gzf, gzd)}");
        Assert.True(RelativeError(gpf, gpd) < 1e-4, $"parameter gradient relative error {RelativeError(gpf, gpd)}");
    }

    private static double RelativeError(float[] f, double[] d)
    {
        double num = 0, den = 0;
        for (int i = 0; i < d.Length; i++) { num += (f[i] - d[i]) * (f[i] - d[i]); den += d[i] * d[i]; }
        return Math.Sqrt(num / den);
    }
}
