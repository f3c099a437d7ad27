using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class AutocorrelationTests
{
    /// <summary>AR(1) with unit stationary variance: ρ(t) = φ^t, τ_int = ½(1+φ)/(1−φ).</summary>
    internal static double[] Ar1(int n, double phi, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var x = new double[n];
        double s = Math.Sqrt(1 - phi * phi);
        x[0] = rng.NextGaussian();
        for (int i = 1; i < n; i++) x[i] = phi * x[i - 1] + s * rng.NextGaussian();
        return x;
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.97)]
    public void IntegratedTimeOfAr1MatchesTheory(double phi)
    {
        var x = Ar1(1 << 18, phi, 42);
        double exact = 0.5 * (1 + phi) / (1 - phi);
        var tau = Autocorrelation.IntegratedTime(x);
        Assert.True(tau.Reliable);
        Assert.InRange(tau.Tau, exact - 4 * tau.Error, exact + 4 * tau.Error);
    }

    [Fact]
    public void AutocorrelationFunctionOfAr1DecaysGeometrically()
    {
        double phi = 0.8;
        var x = Ar1(1 << 18, phi, 7);
        var rho = Autocorrelation.Function(x, 5);
        Assert.Equal(1.0, rho[0], 12);
        // Standard error of ρ(t) for n = 2^18 is about √((1+φ²)/(1−φ²)/n) ≈ 0.004.
        for (int t = 1; t <= 5; t++) Assert.InRange(rho[t], Math.Pow(phi, t) - 0.02, Math.Pow(phi, t) + 0.02);
    }

    [Fact]
    public void FftAutocorrelationEqualsDirectSum()
    {
        var x = Ar1(1000, 0.6, 3);
        var rho = Autocorrelation.Function(x, 20);
        double mean = x.Average();
        double c0 = x.Sum(v => (v - mean) * (v - mean)) / x.Length;
        for (int t = 0; t <= 20; t++)
        {
            double c = 0;
            for (int i = 0; i + t < x.Length; i++) c += (x[i] - mean) * (x[i + t] - mean);
            Assert.Equal(c / (x.Length - t) / c0, rho[t], 10);
        }
    }

    [Fact]
    public void ErrorOfMeanAccountsForCorrelation()
    {
        // Var(mean) of AR(1) ≈ 2τ/n: check the error bar over 200 independent series by the spread of their means.
        double phi = 0.9;
        int n = 1 << 13, reps = 200;
        var means = new double[reps];
        double sumErr2 = 0;
        for (int r = 0; r < reps; r++)
        {
            var e = TimeSeries.Analyze(Ar1(n, phi, 1000 + (ulong)r));
            means[r] = e.Mean;
            sumErr2 += e.Error * e.Error;
        }
        double spread = Math.Sqrt(TimeSeries.Variance(means));
        double reported = Math.Sqrt(sumErr2 / reps);
        double exact = Math.Sqrt(2 * 0.5 * (1 + phi) / (1 - phi) / n);
        // The sample standard deviation of 200 values is known to ±5 %; allow 4σ of that.
        Assert.InRange(spread / exact, 0.8, 1.2);
        Assert.InRange(reported / exact, 0.9, 1.1);
    }

    [Fact]
    public void ConstantSeriesHasNoFluctuations()
    {
        var e = TimeSeries.Analyze(Enumerable.Repeat(1.5, 100).ToArray());
        Assert.Equal(1.5, e.Mean);
        Assert.Equal(0.0, e.Error);
    }
}
