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

public class SamplerReproducibilityTests
{
    [Fact]
    public void SameSeedGivesTheSameRunWhateverTheFlowThreadCount()
    {
        const double t = 3.0;
        var inputs = ExactSamplingTests.InputData(4, t, 16, 3);
        LatentHmcResult RunHmc(int threads)
        {
            var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
            flow.Threads = threads;
            return new LatentHmcSampler(flow, t, inputs, new LatentHmcOptions(4, 5, 10, seed: 9)).Run();
        }
        FlowMetropolisResult RunMh(int threads)
        {
            var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
            flow.Threads = threads;
            return new FlowMetropolisSampler(flow, t, inputs, new FlowMetropolisOptions(4, t, 5, 20, seed: 9)).Run();
        }
        var (a, b) = (RunHmc(1), RunHmc(2));
        Assert.Equal(a.M2Trace, b.M2Trace);
        Assert.Equal(a.Observables.Energy, b.Observables.Energy);
        Assert.Equal(a.StepSize, b.StepSize);
        var (c, d) = (RunMh(1), RunMh(2));
        Assert.Equal(c.M2Trace, d.M2Trace);
        Assert.Equal(c.WeightEss, d.WeightEss);
    }

    [Fact]
    public void OptionsRejectInvalidSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(0, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(4, -1, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(4, 10, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisOptions(4, 0.0, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisOptions(4, double.PositiveInfinity, 10, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisOptions(4, 3.0, 10, 2));
        var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
        Assert.Throws<ArgumentException>(() => new LatentHmcSampler(flow, 3.0, new double[15], new LatentHmcOptions(4, 1, 10)));
        Assert.Throws<ArgumentException>(() => new FlowMetropolisSampler(flow, 3.0, new double[15], new FlowMetropolisOptions(4, 3.0, 1, 10)));
    }
}
