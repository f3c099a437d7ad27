using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

public class BesselMathTests
{
    // e^{−r} I_n(r) = (1/π) ∫₀^π e^{r(cos θ − 1)} cos nθ dθ by the trapezoid rule, exponentially accurate for this periodic integrand.
    internal static double ScaledBesselByQuadrature(int order, double r)
    {
        int m = 40000;
        double h = Math.PI / m, sum = 0;
        for (int k = 0; k <= m; k++)
        {
            double theta = k * h;
            double f = Math.Exp(r * (Math.Cos(theta) - 1)) * Math.Cos(order * theta);
            sum += k == 0 || k == m ? 0.5 * f : f;
        }
        return sum * h / Math.PI;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e-9)]
    [InlineData(1e-3)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    [InlineData(5.0)]
    [InlineData(19.999)]
    [InlineData(20.0)]
    [InlineData(20.001)]
    [InlineData(50.0)]
    [InlineData(700.0)]
    [InlineData(800.0)] // I₀ itself overflows here
    [InlineData(1e4)]
    public void LnI0AndRatioMatchQuadrature(double r)
    {
        double i0 = ScaledBesselByQuadrature(0, r), i1 = ScaledBesselByQuadrature(1, r);
        double lnI0 = r + Math.Log(i0);
        Assert.Equal(lnI0, BesselMath.LnI0(r), 1e-13 * Math.Max(1, Math.Abs(lnI0)));
        Assert.Equal(i1 / i0, BesselMath.Ratio(r), 1e-13);
        // Quadrature's absolute error in I₁ swamps I₁/r for small r: there the Taylor series ½ − r²/16 + r⁴/96 is the reference.
        double overR = r < 0.01 ? 0.5 - r * r / 16 + Math.Pow(r, 4) / 96 : i1 / i0 / r;
        Assert.Equal(overR, BesselMath.RatioOverArgument(r), 1e-13 * Math.Max(1, overR));
        double both = BesselMath.LnI0AndRatioOverArgument(r, out double a);
        Assert.Equal(BesselMath.LnI0(r), both);
        Assert.Equal(BesselMath.RatioOverArgument(r), a);
    }

    [Fact]
    public void KnownValuesAndLimits()
    {
        // I₀(1) and I₁(1) (Abramowitz & Stegun, Table 9.8).
        Assert.Equal(Math.Log(1.2660658777520082), BesselMath.LnI0(1), 1e-15);
        Assert.Equal(0.5651591039924851 / 1.2660658777520082, BesselMath.Ratio(1), 1e-15);
        Assert.Equal(0.5, BesselMath.RatioOverArgument(0));
        Assert.Equal(0.0, BesselMath.LnI0(0));
        // Large r: A(r) = 1 − 1/(2r) − 1/(8r²) − …
        double big = 1e8;
        Assert.Equal(1 - 1 / (2 * big) - 1 / (8 * big * big), BesselMath.Ratio(big), 1e-15);
        Assert.True(double.IsFinite(BesselMath.LnI0(1e300)));
    }

    [Fact]
    public void SeriesAndExpansionAgreeAtTheSwitch()
    {
        double below = BesselMath.Ratio(Math.BitDecrement(BesselMath.AsymptoticFrom));
        double above = BesselMath.Ratio(BesselMath.AsymptoticFrom);
        Assert.Equal(below, above, 1e-15);
        Assert.Equal(BesselMath.LnI0(Math.BitDecrement(BesselMath.AsymptoticFrom)), BesselMath.LnI0(BesselMath.AsymptoticFrom), 1e-14);
    }
}
