using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>One rescaling run at L = 16 shared by the physics tests (about a second on one core).</summary>
public sealed class RescalingRun
{
    public const int Size = 16;
    public static readonly double[] Grid = [2.0, 2.2, SpinFlow.Exact.Onsager.CriticalTemperature, 2.4, 2.6];
    public TemperatureRescalingResult Result { get; } =
        TemperatureRescaling.Run(new TemperatureRescalingOptions(Size, Grid, samples: 20000, thermalize: 500, seed: 7));

    public RescalingPoint At(double t) => Result.Points.Single(p => p.Temperature == t);
}

public sealed class TemperatureRescalingTests(RescalingRun run) : IClassFixture<RescalingRun>
{
    private const double Tc = SpinFlow.Exact.Onsager.CriticalTemperature;
    private const int Size = RescalingRun.Size;

    [Fact]
    public void CriticalTemperatureMapsCloseToItself()
    {
        var p = run.At(Tc);
        // Blocking a critical lattice gives a critical lattice in the thermodynamic limit, so T_ξ(T_c) → T_c. At finite
        // size the L/2 lattice's energy is rounded over a window set by its pseudo-critical shift, the distance from T_c
        // of its specific-heat maximum (shrinking like 1/L, Ferdinand–Fisher; 2.360 − T_c ≈ 0.09 at L/2 = 8, computed
        // exactly below): matching energies cannot be expected to pin T_ξ(T_c) more finely than that. Allow that shift
        // plus 4σ of statistics (≈ 0.11 in all); seeds 1 and 7 give +0.02 and +0.01. The window is
        // a quarter of the 0.47 by which T_ξ moves over the neighbouring grid step 2.0 → T_c, so a misplaced map still fails.
        double shift = Math.Abs(SpecificHeatPeak(Size / 2) - Tc);
        Assert.InRange(shift, 0.05, 0.15);
        Assert.InRange(p.TXi - Tc, -(shift + 4 * p.TXiError), shift + 4 * p.TXiError);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(2.6)]
    public void DistanceFromCriticalityKeepsItsSign(double tx)
    {
        var p = run.At(tx);
        Assert.Equal(Math.Sign(tx - Tc), Math.Sign(p.TXi - Tc));
        // And blocking moves away from T_c, by more than 3σ.
        Assert.True(Math.Abs(p.TXi - Tc) > Math.Abs(tx - Tc) + 3 * p.TXiError, $"T_ξ = {p.TXi} ± {p.TXiError}");
    }

    [Fact]
    public void SlopeNearCriticalityIsAboutTwo()
    {
        var a = run.At(2.2);
        var b = run.At(2.4);
        double slope = (b.TXi - a.TXi) / 0.2;
        double sigma = Math.Sqrt(a.TXiError * a.TXiError + b.TXiError * b.TXiError) / 0.2;
        // Linearised RG: T_ξ − T_c ≈ b^{1/ν} (T_x − T_c) with b = 2 and ν = 1, so the slope is 2. Majority-rule blocking
        // is not an exact RG map and L = 16 rounds the transition, which bends the map by tens of percent over the scan
        // (its slope runs from about 1.2 at T = 1.6 to 2.8 at T = 3.2), but across T_c the chord stays near 2 (2.02 seen).
        // ±0.4 is that systematic allowance; the statistical error of the chord (~0.03) is an order smaller. It still
        // excludes the identity map (slope 1) and mean-field scaling (ν = ½, slope 4).
        Assert.True(sigma < 0.1, $"σ(slope) = {sigma}");
        Assert.InRange(slope, 1.6, 2.4);
    }

    [Fact]
    public void ErrorIsBlockEnergyErrorOverSpecificHeat()
    {
        foreach (var p in run.Result.Points)
        {
            var exact = KaufmanSolution.Compute(Size / 2, p.TXi);
            Assert.Equal(exact.SpecificHeat, p.HalfSpecificHeatAtTXi, 14);
            double expected = p.BlockEnergy.Error / exact.SpecificHeat;
            Assert.True(Math.Abs(p.TXiError - expected) <= 1e-13 * expected, $"{p.TXiError} vs {expected}");
            Assert.True(p.TXiError > 0);
            // The inversion itself is exact to rounding.
            Assert.Equal(p.BlockEnergy.Mean, exact.Energy, 12);
            // c really is de/dT per site, which is what makes σ_e / c the propagated error.
            double h = 1e-4;
            double slope = (KaufmanSolution.Compute(Size / 2, p.TXi + h).Energy - KaufmanSolution.Compute(Size / 2, p.TXi - h).Energy) / (2 * h);
            Assert.Equal(exact.SpecificHeat, slope, 6);
        }
    }

    [Fact]
    public void ExactColumnsAndSampledEnergyAgree()
    {
        foreach (var p in run.Result.Points)
        {
            Assert.Equal(KaufmanSolution.Compute(Size, p.Temperature).Energy, p.ExactEnergy, 14);
            Assert.Equal(KaufmanSolution.Compute(Size / 2, p.Temperature).Energy, p.ExactHalfEnergy, 14);
            // The chain itself must reproduce the exact L×L energy; 5σ keeps this from flaking.
            Assert.True(Math.Abs(p.Energy.DeviationSigma(p.ExactEnergy)) < 5, $"T = {p.Temperature}: {p.Energy} vs {p.ExactEnergy}");
        }
    }

    [Fact]
    public void InterpolationReproducesGridPointsAndStaysBetweenThem()
    {
        var r = run.Result;
        foreach (var p in r.Points)
        {
            var at = r.TXiAt(p.Temperature);
            Assert.Equal(p.TXi, at.TXi);
            Assert.Equal(p.TXiError, at.Error);
        }
        for (int i = 0; i + 1 < r.Points.Count; i++)
        {
            var a = r.Points[i];
            var b = r.Points[i + 1];
            double mid = 0.5 * (a.Temperature + b.Temperature);
            var m = r.TXiAt(mid);
            Assert.InRange(m.TXi, a.TXi, b.TXi);
            double e = 0.5 * (a.BlockEnergy.Mean + b.BlockEnergy.Mean);
            Assert.Equal(e, KaufmanSolution.Compute(Size / 2, m.TXi).Energy, 12);
            Assert.True(m.Error > 0);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TXiAt(1.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TXiAt(2.7));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.TXiAt(double.NaN));
    }

    [Fact]
    public void SameSeedGivesSameTableAtAnyThreadCount()
    {
        var o = new TemperatureRescalingOptions(8, [2.0, 2.3, 2.6], samples: 500, thermalize: 50, seed: 3);
        var serial = TemperatureRescaling.Run(o, maxParallelism: 1);
        var parallel = TemperatureRescaling.Run(o, maxParallelism: 3);
        Assert.Equal(serial.Points, parallel.Points);
        var other = TemperatureRescaling.Run(new TemperatureRescalingOptions(8, [2.0, 2.3, 2.6], 500, 50, seed: 4));
        Assert.NotEqual(serial.Points[1].BlockEnergy.Mean, other.Points[1].BlockEnergy.Mean);
    }

    [Fact]
    public void InversionOutsideTheEnergyRangeIsNaN()
    {
        Assert.True(double.IsNaN(TemperatureRescaling.Invert(8, -2.0, 0.01).TXi));
        Assert.True(double.IsNaN(TemperatureRescaling.Invert(8, 0.01, 0.01).TXi));
        var (t, err, c) = TemperatureRescaling.Invert(8, -1.4, 0.01);
        Assert.Equal(-1.4, KaufmanSolution.Compute(8, t).Energy, 12);
        Assert.Equal(0.01 / c, err, 15);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(0)]
    public void OptionsRejectBadSizes(int size) =>
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(size, [2.0], 100, 10, 1));

    [Fact]
    public void OptionsRejectBadGridsAndCounts()
    {
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [2.0, 0.0], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [-1.0], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [double.PositiveInfinity], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [2.5, 2.0], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [2.0, 2.0], 100, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [2.0], 3, 10, 1));
        Assert.ThrowsAny<ArgumentException>(() => new TemperatureRescalingOptions(8, [2.0], 100, -1, 1));
        var ok = new TemperatureRescalingOptions(4, [2.0], 4, 0, 1);
        Assert.Equal(2, ok.BlockSize);
    }

    /// <summary>Temperature of the exact specific-heat maximum of the L×L lattice (golden-section search).</summary>
    private static double SpecificHeatPeak(int size)
    {
        double a = 2.0, b = 3.0, g = (Math.Sqrt(5) - 1) / 2;
        double c = b - g * (b - a), d = a + g * (b - a);
        while (b - a > 1e-8)
        {
            if (KaufmanSolution.Compute(size, c).SpecificHeat > KaufmanSolution.Compute(size, d).SpecificHeat) b = d; else a = c;
            c = b - g * (b - a);
            d = a + g * (b - a);
        }
        return 0.5 * (a + b);
    }
}
