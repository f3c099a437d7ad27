using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.SuperResolution;

public class AngleChainMeasurementTests
{
    /// <summary>
    /// XY chains that disagree on the helicity modulus (two ordered, two disordered) are not converged, and Υ is named
    /// among the reasons: it is what an XY run is judged by.
    /// </summary>
    [Fact]
    public void ChainsThatDisagreeOnTheHelicityAreFlaggedByName()
    {
        const int size = 4, chains = 4, steps = 60;
        var model = new RelaxedAngleModel(SpinModel.Parse("xy"), size, 0.9);
        var measure = ChainMeasurement.For(model, chains, seed: 5);
        var rng = new Xoshiro256(6);
        int n = model.Dimension;
        var x = new float[chains * n];
        for (int t = 0; t < steps; t++)
        {
            for (int c = 0; c < chains; c++)
                for (int site = 0; site < size * size; site++)
                {
                    // Strong fields: along θ = 0 for chains 0 and 1, in random directions for chains 2 and 3.
                    double theta = c < 2 ? 0.05 * rng.NextGaussian() : 2 * Math.PI * rng.NextDouble();
                    x[c * n + 2 * site] = (float)(20 * Math.Cos(theta));
                    x[c * n + 2 * site + 1] = (float)(20 * Math.Sin(theta));
                }
            measure.Add(x);
        }
        var (_, report, angle) = measure.Assess(model.Temperature);
        Assert.NotNull(angle);
        Assert.False(report.Verdict.Converged);
        Assert.Contains(report.Verdict.Warnings, w => w.StartsWith("split-R̂ > 1.1 (split halves of 4 chains): Υ ", StringComparison.Ordinal));
    }
}
