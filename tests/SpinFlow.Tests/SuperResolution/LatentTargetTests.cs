using SpinFlow.Flows;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

public class LatentTargetTests
{
    /// <summary>
    /// ∇U of the float32 target against central differences of U computed entirely in double (the flow's double
    /// engine with the same parameters, the double relaxed energy). The differences are then accurate to ~1e-10, so
    /// what remains is the float32 rounding of the target's own pass: the flow tests bound that at 1e-4 relative
    /// (norm) for the paper-size flow, which is the tolerance used here.
    /// </summary>
    [Fact]
    public void GradientMatchesCentralDifferencesOfTheDoublePrecisionPotential()
    {
        const int size = 4, batch = 3;
        const double temperature = 2.5;
        var flow = RandomFlow(SuperResolutionFlowOptions.Default, size, 17, scale: 0.3, aScale: 0.3);
        var model = new RelaxedIsing(size, temperature);
        var target = new LatentTarget(flow, model);
        int n = size * size;
        // Latent values of relaxed-spin scale: z = 2·N(0, 1), rounded to float32 so both paths see the same point.
        var z = Gaussian(batch * n, 5).Select(v => (double)(2 * v)).ToArray();

        var energy = new double[batch];
        var grad = new double[batch * n];
        target.EnergyAndGradient(z, energy, grad);

        var engine = Flow.BuildEngine([(flow, 1, ToDouble(flow.Parameters), 0)], size, 1, 1);
        double U(double[] zz)
        {
            var x = new double[n];
            var ld = new double[1];
            engine.Generate(zz, x, ld);
            return model.Energy(x) - ld[0];
        }

        const double h = 1e-5;
        double num = 0, den = 0, gMax = MaxAbs(grad);
        for (int b = 0; b < batch; b++)
        {
            var zb = z.AsSpan(b * n, n).ToArray();
            double u0 = U(zb);
            Assert.True(Math.Abs(u0 - energy[b]) < 1e-5 * (1 + Math.Abs(u0)), $"U[{b}]: float32 {energy[b]}, double {u0}");
            for (int k = 0; k < n; k++)
            {
                var zp = (double[])zb.Clone(); zp[k] += h;
                var zm = (double[])zb.Clone(); zm[k] -= h;
                double fd = (U(zp) - U(zm)) / (2 * h);
                double g = grad[b * n + k];
                Assert.True(Math.Abs(fd - g) < 1e-3 * gMax, $"∂U/∂z[{b},{k}]: backward {g}, central difference {fd}");
                num += (fd - g) * (fd - g);
                den += fd * fd;
            }
        }
        Assert.True(Math.Sqrt(num / den) < 1e-4, $"relative error of ∇U {Math.Sqrt(num / den)}");
        Assert.True(gMax > 1, $"gradient scale {gMax} too small for a meaningful test");
    }

    [Fact]
    public void EnergiesWithoutGradientEqualThoseWithGradient()
    {
        var flow = RandomFlow(SmallSuperRes(), 8, 3);
        var target = new LatentTarget(flow, new RelaxedIsing(8, 2.6));
        var z = ToDouble(Gaussian(2 * 64, 9));
        var e1 = new double[2];
        var e2 = new double[2];
        target.EnergyAndGradient(z, e1, new double[z.Length]);
        target.EnergyAndGradient(z, e2, Span<double>.Empty);
        Assert.Equal(e1, e2);
    }

    [Fact]
    public void RejectsMismatchedSizes()
    {
        var flow = RandomFlow(SmallSuperRes(), 8, 3);
        Assert.Throws<ArgumentException>(() => new LatentTarget(flow, new RelaxedIsing(4, 2.6)));
    }
}
