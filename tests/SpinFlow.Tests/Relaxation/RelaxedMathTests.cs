using System.Runtime.Intrinsics;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

public class RelaxedMathTests
{
    private static double RelativeError(double got, double expected) =>
        expected == 0 ? Math.Abs(got) : Math.Abs(got - expected) / Math.Abs(expected);

    [Fact]
    public void VectorExpMatchesMathExpOnNonPositiveArguments()
    {
        var rng = new Xoshiro256(1);
        double worst = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double z = i < 50_000 ? -40 * rng.NextDouble() : -700 * rng.NextDouble();
            if (i < 10) z = -i * 0.25;
            double got = RelaxedMath.ExpNonPositive(Vector256.Create(z)).GetElement(0);
            worst = Math.Max(worst, RelativeError(got, Math.Exp(z)));
        }
        Assert.True(worst < 5e-16, $"worst relative error {worst}");
        Assert.Equal(Math.Exp(-708), RelaxedMath.ExpNonPositive(Vector256.Create(-1e6)).GetElement(0), 1e-320);
        Assert.Equal(1.0, RelaxedMath.ExpNonPositive(Vector256.Create(0.0)).GetElement(0));
    }

    [Fact]
    public void VectorLog1PMatchesOnTheUnitInterval()
    {
        var rng = new Xoshiro256(2);
        double worst = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double e = i % 2 == 0 ? rng.NextDouble() : Math.Exp(-50 * rng.NextDouble());
            if (i == 0) e = 1;
            double got = RelaxedMath.Log1PUnit(Vector256.Create(e)).GetElement(0);
            // Reference ln(1 + e) without cancellation: Goldberg's correction of the rounded 1 + e.
            double w = 1 + e;
            double expected = w == 1 ? e : Math.Log(w) * e / (w - 1);
            worst = Math.Max(worst, RelativeError(got, expected));
        }
        Assert.True(worst < 1e-15, $"worst relative error {worst}"); // s = e/(2 + e) and the product each round once
        Assert.Equal(0.0, RelaxedMath.Log1PUnit(Vector256<double>.Zero).GetElement(0));
    }

    [Fact]
    public void VectorTanhMatchesMathTanh()
    {
        var rng = new Xoshiro256(3);
        var x = new double[4099];
        for (int i = 0; i < x.Length; i++) x[i] = 6 * rng.NextGaussian();
        x[0] = 0; x[1] = 1e-300; x[2] = -800; x[3] = 800;
        var t = new double[x.Length];
        RelaxedMath.Tanh(x, t);
        for (int i = 0; i < x.Length; i++) Assert.Equal(Math.Tanh(x[i]), t[i], 4.5e-16); // a few ulp from (1 − e)/(1 + e)
    }
}
