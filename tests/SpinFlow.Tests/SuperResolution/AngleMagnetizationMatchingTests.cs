using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>
/// The γ term of the angle models: clock:2 against the Ising term, the clock:4 block expectation against sampled spins
/// blocked with random tie-breaking, the XY stand-in against the relaxed model's own mean spins, and every gradient
/// against central differences.
/// </summary>
public class AngleMagnetizationMatchingTests
{
    private static double[] Random(int count, double scale, ulong seed)
    {
        var v = new double[count];
        new Xoshiro256(seed).FillGaussian(v);
        for (int i = 0; i < count; i++) v[i] *= scale;
        return v;
    }

    [Fact]
    public void Clock2IsTheIsingTerm()
    {
        const int size = 4, batch = 3, n = size * size;
        var xIsing = Random(batch * n, 0.8, 3);
        var x = new double[2 * xIsing.Length];
        var second = Random(xIsing.Length, 0.8, 4);
        for (int i = 0; i < xIsing.Length; i++)
        {
            x[2 * i] = xIsing[i];
            x[2 * i + 1] = second[i]; // the y component does not act on clock:2 spins
        }
        var gIsing = new double[xIsing.Length];
        double tIsing = MagnetizationMatching.Evaluate(0.1, xIsing, size, 0.7, out double mIsing, out double absIsing, gIsing);
        var g = new double[x.Length];
        var block = new RelaxedBlockSpin(SpinModel.Clock(2));
        Assert.True(block.IsExact);
        double t = MagnetizationMatching.Evaluate(block, (0.1, 0), x, size, 0.7, out var m, out double abs, g);
        Assert.Equal(tIsing, t, 12);
        Assert.Equal(mIsing, m.X, 12);
        Assert.Equal(0, m.Y, 14);
        Assert.Equal(absIsing, abs, 12);
        for (int i = 0; i < xIsing.Length; i++)
        {
            Assert.Equal(gIsing[i], g[2 * i], 12);
            Assert.Equal(0, g[2 * i + 1], 14);
        }
    }

    [Theory]
    [InlineData(4, 11UL)]
    [InlineData(3, 12UL)]
    public void ClockBlockExpectationMatchesSampledSpinsBlockedWithRandomTies(int q, ulong seed)
    {
        var model = SpinModel.Clock(q);
        var relaxed = new RelaxedAngleModel(model, 2, 1.0);
        var block = new RelaxedBlockSpin(model);
        var clockBlock = new ClockBlockSpin((ClockModel)model);
        var x = Random(8, 0.6, seed);
        var (ex, ey) = block.Expected(x, new double[8], new double[8]);
        var rng = new Xoshiro256(seed + 1);
        var ties = new Xoshiro256(seed + 2);
        var states = new byte[4];
        var blocked = new byte[1];
        var cos = ((ClockModel)model).CosTable();
        var sin = ((ClockModel)model).SinTable();
        const int draws = 100_000;
        double sx = 0, sy = 0, sxx = 0, syy = 0;
        for (int d = 0; d < draws; d++)
        {
            relaxed.SampleClockStates(x, states, rng);
            clockBlock.Block(states, 2, blocked, ties);
            double bx = cos[blocked[0]], by = sin[blocked[0]];
            sx += bx; sy += by; sxx += bx * bx; syy += by * by;
        }
        double mx = sx / draws, my = sy / draws;
        double ex4 = 4 * Math.Sqrt((sxx / draws - mx * mx) / draws), ey4 = 4 * Math.Sqrt((syy / draws - my * my) / draws);
        Assert.InRange(ex, mx - ex4, mx + ex4);
        Assert.InRange(ey, my - ey4, my + ey4);
    }

    [Fact]
    public void XyBlockValueIsTheDirectionOfTheSummedMeanSpins()
    {
        var relaxed = new RelaxedAngleModel(SpinModel.Xy, 2, 1.0);
        var block = new RelaxedBlockSpin(SpinModel.Xy);
        Assert.False(block.IsExact);
        var x = Random(8, 1.5, 5);
        var mean = new double[8];
        relaxed.MeanSpins(x, mean);
        double sx = mean[0] + mean[2] + mean[4] + mean[6], sy = mean[1] + mean[3] + mean[5] + mean[7], r = Math.Sqrt(sx * sx + sy * sy);
        var (bx, by) = block.Expected(x, new double[8], new double[8]);
        Assert.Equal(sx / r, bx, 12);
        Assert.Equal(sy / r, by, 12);
    }

    [Theory]
    [InlineData("clock:4")]
    [InlineData("clock:3")]
    [InlineData("clock:12")]
    [InlineData("xy")]
    public void GradientMatchesCentralDifferences(string name)
    {
        var model = SpinModel.Parse(name);
        var block = new RelaxedBlockSpin(model);
        const int size = 4, batch = 2;
        var x = Random(batch * 2 * size * size, 1.0, 21);
        // Some sites near x = 0, where the XY mean-spin Jacobian takes its limit.
        x[0] = 1e-5;
        x[1] = -2e-5;
        (double, double) magIn = (0.05, -0.1);
        var g = new double[x.Length];
        double value = MagnetizationMatching.Evaluate(block, magIn, x, size, 0.9, out _, out _, g);
        Assert.True(value > 0);
        var scratch = new double[x.Length];
        const double h = 1e-6;
        double worst = 0, scale = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double keep = x[i];
            x[i] = keep + h;
            double up = MagnetizationMatching.Evaluate(block, magIn, x, size, 0.9, out _, out _, scratch);
            x[i] = keep - h;
            double down = MagnetizationMatching.Evaluate(block, magIn, x, size, 0.9, out _, out _, scratch);
            x[i] = keep;
            worst = Math.Max(worst, Math.Abs((up - down) / (2 * h) - g[i]));
            scale = Math.Max(scale, Math.Abs(g[i]));
        }
        Assert.True(scale > 1e-4, "gradient vanishes: nothing tested");
        Assert.True(worst < 1e-7, $"largest |finite difference − gradient| = {worst:G3} (largest gradient {scale:G3})");
    }

    [Fact]
    public void PenaltyFormMatchesTheStaticTermAndInputMagnetisationUsesTheMeanSpins()
    {
        const int size = 4;
        var model = SpinModel.Clock(5);
        var x = Random(2 * 2 * size * size, 1.0, 8);
        var term = new MagnetizationMatching(size, model) { Gamma = 0.5, InputMagnetizationVector = (0.2, 0.1) };
        var xf = x.Select(v => (float)v).ToArray();
        var g = new double[x.Length];
        double value = term.Evaluate(xf, g);
        var gs = new double[x.Length];
        double expected = MagnetizationMatching.Evaluate(new RelaxedBlockSpin(model), (0.2, 0.1), xf.Select(v => (double)v).ToArray(), size, 0.5, out var m, out double abs, gs);
        Assert.Equal(expected, value);
        Assert.Equal(m, term.BlockedMagnetizationVector);
        Assert.Equal(abs, term.AbsBlockedMagnetization);
        Assert.Equal(gs, g);

        var relaxed = new RelaxedAngleModel(model, size, 1.0);
        var mean = new double[x.Length];
        relaxed.MeanSpins(xf.Select(v => (double)v).ToArray(), mean);
        var (inMean, inAbs) = MagnetizationMatching.OfInput(new RelaxedBlockSpin(model), xf, 2);
        int n = size * size;
        double mx = 0, my = 0, absSum = 0;
        for (int b = 0; b < 2; b++)
        {
            double ox = 0, oy = 0;
            for (int i = 0; i < n; i++) { ox += mean[b * 2 * n + 2 * i]; oy += mean[b * 2 * n + 2 * i + 1]; }
            mx += ox;
            my += oy;
            absSum += Math.Sqrt(ox * ox + oy * oy) / n;
        }
        Assert.Equal(mx / (2 * n), inMean.X, 12);
        Assert.Equal(my / (2 * n), inMean.Y, 12);
        Assert.Equal(absSum / 2, inAbs, 12);
        Assert.Throws<ArgumentException>(() => new RelaxedBlockSpin(SpinModel.Ising));
    }
}
