using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;
using Xunit.Abstractions;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>
/// Temperature rescaling of the angle models: the exact clock:4 curve against ClockExact; a measured clock:4 curve against
/// the exact one (same block energies, so T_ξ may differ only by the curve's propagated error); a measured XY curve
/// inverting an independent XY run's energy back to its own temperature.
/// </summary>
public class AngleRescalingTests(ITestOutputHelper output)
{
    private static readonly SpinModel Clock4 = SpinModel.Clock(4);

    private static double[] Grid(double from, double to, double step) =>
        Enumerable.Range(0, (int)Math.Round((to - from) / step) + 1).Select(i => Math.Round(from + i * step, 10)).ToArray();

    [Theory]
    [InlineData(0.8)]
    [InlineData(1.1)]
    [InlineData(1.6)]
    public void ExactClock4CurveInvertsClockExact(double t)
    {
        var exact = ClockExact.Compute(Clock4, 4, t);
        var r = EnergyCurve.Exact(Clock4, 4).Invert(exact.Energy, 0.01);
        Assert.Equal(t, r.Temperature, 9);
        Assert.Equal(exact.SpecificHeat, r.Slope, 8);
        Assert.Equal(0.01 / exact.SpecificHeat, r.Error, 8);
        Assert.Equal(0.0, r.CurveError);
        Assert.True(double.IsNaN(EnergyCurve.Exact(Clock4, 4).Invert(0.1, 0.01).Temperature));
        Assert.Throws<ArgumentException>(() => EnergyCurve.Exact(SpinModel.Xy, 4));
    }

    [Fact]
    public void MeasuredClock4CurveGivesTheExactCurvesTXiWithinItsError()
    {
        double[] targets = [0.9, 1.1, 1.3];
        var options = new TemperatureRescalingOptions(8, targets, samples: 20000, thermalize: 500, seed: 11, model: Clock4);
        var exactRun = TemperatureRescaling.Run(options);
        var curve = MonteCarloEnergyCurve.Run(Clock4, 4, Grid(0.4, 3.0, 0.1), sweeps: 20000, thermalize: 500, seed: 5);
        // The measured curve itself agrees with the exact one point by point.
        for (int j = 0; j < curve.Temperatures.Count; j++)
        {
            double e = ClockExact.Compute(Clock4, 4, curve.Temperatures[j]).Energy;
            Assert.True(Math.Abs(curve.Energies[j].DeviationSigma(e)) < 4, $"curve at T = {curve.Temperatures[j]}: {curve.Energies[j]} vs exact {e}");
        }
        var mcRun = TemperatureRescaling.Run(options, curve);
        for (int i = 0; i < targets.Length; i++)
        {
            var a = exactRun.Points[i];
            var b = mcRun.Points[i];
            // Same chains, same block energies: only the curve differs.
            Assert.Equal(a.BlockEnergy, b.BlockEnergy);
            Assert.True(Math.Abs(a.Energy.DeviationSigma(a.ExactEnergy)) < 4, $"L = 8 chain at T = {a.Temperature}: {a.Energy} vs exact {a.ExactEnergy}");
            Assert.Equal(0.0, a.TXiCurveError);
            Assert.True(b.TXiCurveError > 0 && b.TXiError > b.TXiCurveError);
            output.WriteLine($"T = {a.Temperature}: e_block = {a.BlockEnergy}, T_ξ exact curve {a.TXi:F5} ± {a.TXiError:F5}, " +
                $"measured curve {b.TXi:F5} ± {b.TXiError:F5} (curve part {b.TXiCurveError:F5}), {(b.TXi - a.TXi) / b.TXiCurveError:F2}σ");
            Assert.True(Math.Abs(b.TXi - a.TXi) < 4 * b.TXiCurveError, $"T = {a.Temperature}: {b.TXi} vs {a.TXi} ± {b.TXiCurveError}");
        }
        // TXiAt at a grid point reproduces the point, through the stored curve.
        Assert.Equal(mcRun.Points[1].TXi, mcRun.TXiAt(1.1).TXi);
    }

    [Fact]
    public void MeasuredXyCurveInvertsIndependentRunsBackToTheirTemperatures()
    {
        var curve = MonteCarloEnergyCurve.Run(SpinModel.Xy, 8, Grid(0.5, 1.5, 0.1), sweeps: 10000, thermalize: 300, seed: 3);
        foreach (var (t, seed) in new[] { (0.95, 21UL), (1.25, 22UL) })
        {
            var run = AngleChainRun.Run(SpinModel.Xy, new McmcOptions(8, t, SpinAlgorithm.Wolff, 20000, 300, 1, seed));
            var e = run.Observables.Base.Energy;
            var r = curve.Invert(e.Mean, e.Error);
            output.WriteLine($"T = {t}: e = {e}, T' = {r.Temperature:F5} ± {r.Error:F5} (curve part {r.CurveError:F5}, slope {r.Slope:F3}), {(r.Temperature - t) / r.Error:F2}σ");
            Assert.True(r.CurveError > 0 && r.Error > r.CurveError);
            Assert.True(Math.Abs(r.Temperature - t) < 4 * r.Error, $"T' = {r.Temperature} ± {r.Error} vs T = {t}");
        }
    }

    [Fact]
    public void CurveInterpolatesItsPointsAndInvertsItsOwnValues()
    {
        // A made-up smooth curve e = −2 + T² / 4 on [1, 2] (slope T / 2), with errors.
        double[] t = [1.0, 1.25, 1.5, 1.75, 2.0];
        var e = t.Select(v => new Estimate(-2 + v * v / 4, 0.001, 1)).ToArray();
        var c = t.Select(v => new Estimate(v / 2, 0.01, 1)).ToArray();
        var curve = new MonteCarloEnergyCurve(SpinModel.Xy, 4, t, e, c);
        for (int j = 0; j < t.Length; j++) Assert.Equal(e[j].Mean, curve.Energy(t[j]), 14);
        // A quadratic is a cubic: Hermite reproduces it exactly between the points.
        Assert.Equal(-2 + 1.6 * 1.6 / 4, curve.Energy(1.6), 12);
        var r = curve.Invert(-2 + 1.6 * 1.6 / 4, 0.002);
        Assert.Equal(1.6, r.Temperature, 10);
        Assert.Equal(0.8, r.Slope, 10);
        Assert.Equal(Math.Sqrt(0.002 * 0.002 / 0.64 + r.CurveError * r.CurveError), r.Error, 12);
        Assert.True(double.IsNaN(curve.Invert(-1.9, 0.01).Temperature));
        Assert.True(double.IsNaN(curve.Invert(-1.0 + 0.01, 0.01).Temperature));
        Assert.Throws<ArgumentException>(() => new MonteCarloEnergyCurve(SpinModel.Xy, 4, [1.0, 1.0], e[..2], c[..2]));
        var options = new TemperatureRescalingOptions(10, [1.0], 10, 0, 1, SpinModel.Xy);
        Assert.Throws<ArgumentException>(() => TemperatureRescaling.Run(options, curve));
        Assert.Throws<ArgumentException>(() => TemperatureRescaling.Run(options));
    }

    [Fact]
    public void AngleRescalingIsReproducibleAtAnyParallelism()
    {
        var options = new TemperatureRescalingOptions(8, [0.9, 1.2], 400, 50, seed: 4, model: Clock4);
        var serial = TemperatureRescaling.Run(options, maxParallelism: 1);
        var parallel = TemperatureRescaling.Run(options, maxParallelism: 2);
        Assert.Equal(serial.Points, parallel.Points);
    }
}
