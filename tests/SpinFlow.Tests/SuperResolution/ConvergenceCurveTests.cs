using SpinFlow.Randomness;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.SuperResolution;

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
    /// Bias 1·e^(−t/20), noise 0.1, 200 steps × 50 chains: the tail average from t carries a bias ≈ 20·e^(−t/20)/(200 − t)
    /// and an error 0.1/√(50(200 − t)). At t = 60 the bias is 0.0071 against 2σ = 0.0024 (≈ 4σ beyond the band); from
    /// t ≈ 100 it is below σ, so the converged step must lie between.
    /// </summary>
    [Fact]
    public void ConvergedStepFollowsTheDecayOfTheBias()
    {
        var curve = ConvergenceCurve.Analyze(Relaxing(200, 50, 1.0, 20, 0, 0.1, 1), 50, new Estimate(0.5, 0, 1), blockSize: 4);
        Assert.Equal(200, curve.Mean.Length);
        Assert.NotNull(curve.ConvergedStep);
        Assert.InRange(curve.ConvergedStep!.Value, 60, 140);
        Assert.Equal(0, curve.ConvergedStep.Value % 4);
        // Step 0: mean 1.5 within a few errors of 0.1/√50.
        Assert.InRange(curve.Mean[0], 1.5 - 5 * 0.1 / Math.Sqrt(50), 1.5 + 5 * 0.1 / Math.Sqrt(50));
        Assert.InRange(curve.Error[0], 0.5 * 0.1 / Math.Sqrt(50), 1.5 * 0.1 / Math.Sqrt(50));
    }

    [Fact]
    public void AnOffsetCurveNeverConvergesAndOneChainHasNoErrorBars()
    {
        // Offset 0.05 against a tail error of at most 0.1/√(50·4) = 0.007: every tail is ≥ 6σ off.
        var off = ConvergenceCurve.Analyze(Relaxing(200, 50, 0, 20, 0.05, 0.1, 2), 50, new Estimate(0.5, 0, 1), blockSize: 4);
        Assert.Null(off.ConvergedStep);
        var one = ConvergenceCurve.Analyze(Relaxing(50, 1, 0, 20, 0, 0.1, 3), 1, new Estimate(0.5, 0.01, 1), blockSize: 1);
        Assert.Null(one.ConvergedStep);
        Assert.True(double.IsNaN(one.Error[0]));
        Assert.Throws<ArgumentException>(() => ConvergenceCurve.Analyze(new double[7], 2, new Estimate(0, 0, 1), 1));
    }
}
