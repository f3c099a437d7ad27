using MathNet.Numerics;
using SpinFlow.Exact;

namespace SpinFlow.Tests.Exact;

public class OnsagerTests
{
    private const double Tc = Onsager.CriticalTemperature;

    [Fact]
    public void CriticalPointValues()
    {
        Assert.Equal(Tc, 2 / Math.Log(1 + Math.Sqrt(2)), 15);
        Assert.Equal(-Math.Sqrt(2), Onsager.Energy(Tc), 12);
        Assert.Equal(double.PositiveInfinity, Onsager.SpecificHeat(Tc));
        Assert.Equal(0, Onsager.SpontaneousMagnetization(Tc));
        // Logarithmic divergence: c ≈ (8/π)K_c² ln(1/|1 − T/T_c|) + const, with 8K_c² = 2 ln²(1 + √2).
        double c1 = Onsager.SpecificHeat(Tc * (1 - 1e-4)), c2 = Onsager.SpecificHeat(Tc * (1 - 1e-6));
        Assert.Equal(2 / Math.PI * Math.Pow(Math.Log(1 + Math.Sqrt(2)), 2) * Math.Log(100), c2 - c1, 2e-3);
    }

    [Theory]
    [InlineData(0.8)]
    [InlineData(2.0)]
    [InlineData(Tc)]
    [InlineData(2.5)]
    [InlineData(6.0)]
    public void LnZMatchesIndependentQuadrature(double temperature)
    {
        // The textbook form over θ ∈ [0, π], split at the kink θ = π/2 that appears at T_c, by MathNet's double-exponential rule
        // (good to ~1e-14; its adaptive Gauss–Kronrod agrees to 1e-15 but crawls at T_c, where κ = 1 − O(1e-16)).
        double k = 1 / temperature;
        double kappa = 2 * Math.Sinh(2 * k) / Math.Pow(Math.Cosh(2 * k), 2);
        double F(double th) => Math.Log(0.5 * (1 + Math.Sqrt(Math.Max(0, 1 - kappa * kappa * Math.Sin(th) * Math.Sin(th)))));
        double integral = Integrate.DoubleExponential(F, 0, Math.PI / 2, 1e-15)
                        + Integrate.DoubleExponential(F, Math.PI / 2, Math.PI, 1e-15);
        double expected = Math.Log(2 * Math.Cosh(2 * k)) + integral / (2 * Math.PI);
        Assert.Equal(expected, Onsager.LnZPerSite(temperature), 2e-14);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(2.6)]
    [InlineData(5.0)]
    public void EnergyAndSpecificHeatAreDerivatives(double temperature)
    {
        double k = 1 / temperature, h = 1e-5;
        double du = -(Onsager.LnZPerSite(1 / (k + h)) - Onsager.LnZPerSite(1 / (k - h))) / (2 * h);
        Assert.Equal(du, Onsager.Energy(temperature), 1e-9);
        double dt = 1e-5;
        double c = (Onsager.Energy(temperature + dt) - Onsager.Energy(temperature - dt)) / (2 * dt);
        Assert.Equal(c, Onsager.SpecificHeat(temperature), 1e-9);
    }

    [Fact]
    public void LimitingBehaviour()
    {
        Assert.Equal(-2, Onsager.Energy(0.05), 14);
        Assert.Equal(0, Onsager.SpecificHeat(0.05), 14);
        Assert.Equal(1, Onsager.SpontaneousMagnetization(0.05), 14);
        Assert.Equal(0, Onsager.SpontaneousMagnetization(3));
        // High T: ln Z/N = ln 2 + 2 ln cosh K + O(K⁴), u = −2 tanh K + O(K³).
        double k = 1e-3;
        Assert.Equal(Math.Log(2) + 2 * Math.Log(Math.Cosh(k)), Onsager.LnZPerSite(1 / k), 11);
        Assert.Equal(-2 * Math.Tanh(k), Onsager.Energy(1 / k), 8);
        // Yang's magnetisation at T = 2: (1 − sinh⁻⁴ 1)^{1/8}.
        Assert.Equal(Math.Pow(1 - Math.Pow(Math.Sinh(1), -4), 0.125), Onsager.SpontaneousMagnetization(2), 14);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void BadTemperatureThrows(double temperature)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Onsager.Energy(temperature));
        Assert.Throws<ArgumentOutOfRangeException>(() => Onsager.SpecificHeat(temperature));
        Assert.Throws<ArgumentOutOfRangeException>(() => Onsager.LnZPerSite(temperature));
        Assert.Throws<ArgumentOutOfRangeException>(() => Onsager.SpontaneousMagnetization(temperature));
    }
}
