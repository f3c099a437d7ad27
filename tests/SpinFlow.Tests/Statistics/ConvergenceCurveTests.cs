using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class ConvergenceCurveTests
{
    /// <summary>Chains relaxing as bias·e^(−t/τ) onto the reference, with independent Gaussian noise of width σ at every step.</summary>
    private static double[] Relaxing(int steps, int chains, double bias, double tau, double offset, double sigma, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var v = new double[steps * chains];
        for (int t = 0; t < steps; t++)
            for (int c = 0; c < chains; c++)
                v[t * chains + c] = 0.5 + offset + bias * Math.Exp(-t / tau) + sigma * rng.NextGaussian();
        return v;
    }

    /// <summary>
    /// Bias 1·e^(−t/20), noise 0.1, 200 steps × 50 chains, blocks of 20: a block from t has bias 0.63·e^(−t/20) and error
    /// 0.1/√(20·50) = 0.0032, so the block at 60 is 10σ off and the one at 80 3.6σ off, while from 120 on the bias is
    /// below σ/2. The converged step must be found and lie at 80 or later (later if a chance 2σ excursion intervenes).
    /// </summary>
    [Fact]
    public void ConvergedStepFollowsTheDecayOfTheBias()
    {
        var curve = ConvergenceCurve.Analyze(Relaxing(200, 50, 1.0, 20, 0, 0.1, 1), 50, new Estimate(0.5, 0, 1), blockSize: 20);
        Assert.Equal(200, curve.Mean.Length);
        Assert.NotNull(curve.ConvergedStep);
        Assert.InRange(curve.ConvergedStep!.Value, 80, 180);
        Assert.Equal(0, curve.ConvergedStep.Value % 20);
        // Step 0: mean 1.5 within a few errors of 0.1/√50.
        Assert.InRange(curve.Mean[0], 1.5 - 5 * 0.1 / Math.Sqrt(50), 1.5 + 5 * 0.1 / Math.Sqrt(50));
        Assert.InRange(curve.Error[0], 0.5 * 0.1 / Math.Sqrt(50), 1.5 * 0.1 / Math.Sqrt(50));
    }

    [Fact]
    public void AnOffsetCurveNeverConvergesAndOneChainHasNoErrorBars()
    {
        // Offset 0.05 against a block error of 0.1/√(50·4) = 0.007: every block is ≈ 7σ off.
        var off = ConvergenceCurve.Analyze(Relaxing(200, 50, 0, 20, 0.05, 0.1, 2), 50, new Estimate(0.5, 0, 1), blockSize: 4);
        Assert.Null(off.ConvergedStep);
        var one = ConvergenceCurve.Analyze(Relaxing(50, 1, 0, 20, 0, 0.1, 3), 1, new Estimate(0.5, 0.01, 1), blockSize: 1);
        Assert.Null(one.ConvergedStep);
        Assert.True(double.IsNaN(one.Error[0]));
        Assert.Throws<ArgumentException>(() => ConvergenceCurve.Analyze(new double[7], 2, new Estimate(0, 0, 1), 1));
    }
}
