using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class JackknifeTests
{
    [Fact]
    public void VarianceOfGaussianWithErrorBar()
    {
        // f = ⟨x²⟩ − ⟨x⟩² for N(0, σ²) data: value σ², error σ²√(2/n).
        var rng = new Xoshiro256(9);
        int n = 100_000;
        double sigma = 1.7;
        var x = new double[n];
        var x2 = new double[n];
        for (int i = 0; i < n; i++) { x[i] = sigma * rng.NextGaussian(); x2[i] = x[i] * x[i]; }
        var e = Jackknife.Derived([x, x2], v => v[1] - v[0] * v[0], 1);
        double expectedError = sigma * sigma * Math.Sqrt(2.0 / n);
        Assert.InRange(e.Error, 0.7 * expectedError, 1.3 * expectedError);
        Assert.InRange(e.Mean, sigma * sigma - 4 * e.Error, sigma * sigma + 4 * e.Error);
        Assert.InRange(e.Tau, 0.25, 1.0);
    }

    [Fact]
    public void LinearFunctionReproducesPlainMean()
    {
        var x = AutocorrelationTests.Ar1(4096, 0.5, 1);
        var e = Jackknife.Derived([x], v => 3 * v[0], 16);
        Assert.Equal(3 * x.Average(), e.Mean, 10);
    }

    [Fact]
    public void BlockingCapturesCorrelation()
    {
        double phi = 0.9;
        var x = AutocorrelationTests.Ar1(1 << 17, phi, 21);
        var e = Jackknife.Derived([x], v => v[0], 100);
        double exactTau = 0.5 * (1 + phi) / (1 - phi);
        Assert.InRange(e.Tau, exactTau * 0.6, exactTau * 1.5);
    }
}
