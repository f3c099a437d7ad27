using SpinFlow.Exact;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.SuperResolution;

public class FlowMetropolisTests
{
    /// <summary>The input move alone (s | ξ, Swendsen–Wang, ξ′ | s′) must leave π_ξ invariant: its ⟨E[e | ξ]⟩ is the exact 4×4 energy.</summary>
    [Theory]
    [InlineData(3.0)]
    [InlineData(2.27)]
    public void InputMoveSamplesTheRelaxedInputModel(double temperature)
    {
        const int l = 4, chains = 16, steps = 4000;
        var model = new RelaxedIsing(l, temperature);
        var rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(99, (ulong)c)).ToArray();
        var sw = Enumerable.Range(0, chains).Select(c => new SwendsenWang(l, temperature, 1000 + (ulong)c)).ToArray();
        // A deliberately bad start (all ξ = 3): the move must forget it.
        var xi = Enumerable.Repeat(3.0, chains * l * l).ToArray();
        var xiNew = new double[xi.Length];
        var spins = new sbyte[xi.Length];
        var series = new double[steps];
        var scratch = new double[l * l];
        var measureRng = new Xoshiro256(5);
        for (int t = 0; t < 100 + steps; t++)
        {
            FlowMetropolisSampler.ProposeInputs(model, xi, xiNew, spins, sw, rngs);
            (xi, xiNew) = (xiNew, xi);
            if (t < 100) continue;
            double e = 0;
            for (int c = 0; c < chains; c++) e += ImprovedEstimators.Measure(xi.AsSpan(c * l * l, l * l), l, scratch, measureRng).Energy;
            series[t - 100] = e / chains;
        }
        var est = TimeSeries.Analyze(series);
        double exact = KaufmanSolution.Compute(l, temperature).Energy;
        Assert.True(Math.Abs(est.DeviationSigma(exact)) < 4, $"⟨e⟩ = {est} vs exact {exact}");
    }

    [Fact]
    public void WeightEssIsOneForEqualWeightsAndOneOverNForOneDominantWeight()
    {
        Assert.Equal(1.0, FlowMetropolisSampler.WeightEss([5.0, 5.0, 5.0, 5.0]), 12);
        Assert.Equal(0.25, FlowMetropolisSampler.WeightEss([800.0, 0.0, 0.0, 0.0]), 12);
    }
}
