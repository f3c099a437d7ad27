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
        const int l = 4, chains = 16;
        var model = new RelaxedIsing(l, temperature);
        var rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(99, (ulong)c)).ToArray();
        var sw = Enumerable.Range(0, chains).Select(c => new SwendsenWang(l, temperature, 1000 + (ulong)c)).ToArray();
        var xiNew = new double[chains * l * l];
        var spins = new sbyte[xiNew.Length];
        AssertExactInputEnergy(model, chains, warmUp: 100, steps: 4000, measureSeed: 5, xi =>
        {
            FlowMetropolisSampler.ProposeInputs(model, xi, xiNew, spins, sw, rngs);
            xiNew.CopyTo(xi, 0);
        });
    }

    /// <summary>
    /// The conditional pCN move alone (s | ξ, then AR(1) within ξ | s) must leave π_ξ invariant; at ρ = 0.9 it moves
    /// slowly, and the long-range order must come from the spins redrawn at every step.
    /// </summary>
    [Fact]
    public void ConditionalPcnMoveSamplesTheRelaxedInputModel()
    {
        const int l = 4, chains = 16;
        var model = new RelaxedIsing(l, 3.0);
        var rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(77, (ulong)c)).ToArray();
        var xiNew = new double[l * l];
        var spins = new sbyte[l * l];
        var scratch = new FlowMetropolisSampler.LocalMoveScratch(l * l);
        AssertExactInputEnergy(model, chains, warmUp: 200, steps: 4000, measureSeed: 6, xi =>
        {
            for (int c = 0; c < chains; c++)
            {
                var xiC = xi.AsSpan(c * l * l, l * l);
                FlowMetropolisSampler.ProposeInputLocally(model, 0.9, xiC, xiNew, spins, rngs[c], scratch);
                xiNew.CopyTo(xiC);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="move"/> on <paramref name="chains"/> input configurations from a deliberately bad start (all
    /// ξ = 3, which the move must forget) and requires the chain-averaged ⟨E[e | ξ]⟩ to meet the exact energy within 4σ.
    /// </summary>
    private static void AssertExactInputEnergy(RelaxedIsing model, int chains, int warmUp, int steps, ulong measureSeed, Action<double[]> move)
    {
        int l = model.Size, n = model.Sites;
        var xi = Enumerable.Repeat(3.0, chains * n).ToArray();
        var series = new double[steps];
        var scratch = new double[n];
        var measureRng = new Xoshiro256(measureSeed);
        for (int t = 0; t < warmUp + steps; t++)
        {
            move(xi);
            if (t < warmUp) continue;
            double e = 0;
            for (int c = 0; c < chains; c++) e += ImprovedEstimators.Measure(xi.AsSpan(c * n, n), l, scratch, measureRng).Energy;
            series[t - warmUp] = e / chains;
        }
        var est = TimeSeries.Analyze(series);
        double exact = KaufmanSolution.Compute(l, model.Temperature).Energy;
        Assert.True(Math.Abs(est.DeviationSigma(exact)) < 4, $"⟨e⟩ = {est} vs exact {exact}");
    }

    /// <summary>
    /// ClusterMoveProbability = 1 is the original sampler: its trace, acceptance and weight ESS were recorded with the
    /// code before the local kernels existed (commit 01c2d24, same flow, data and seed) and must come out bit for bit
    /// (with the starts as drawn: this seed's four ξ share a sign, which dispersed starts would change).
    /// </summary>
    [Fact]
    public void ClusterMovesOnlyReproduceTheOriginalSamplerBitForBit()
    {
        const double t = 3.0;
        var inputs = ExactSamplingTests.InputData(4, t, 16, 3);
        var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4, scale: 0.05, aScale: 0.05);
        var moves = new FlowMetropolisMoves(clusterMoveProbability: 1, inputMoveProbability: 0, correlation: 0.5);
        var r = new FlowMetropolisSampler(flow, t, inputs, new FlowMetropolisOptions(4, t, 5, 40, seed: 9, moves, dispersedStarts: false)).Run();
        Assert.Equal(OriginalTrace, r.M2Trace.Select(v => BitConverter.DoubleToInt64Bits(v).ToString("X16")).ToArray());
        Assert.Equal(OriginalAcceptance, r.Acceptance);
        Assert.Equal(OriginalWeightEss, BitConverter.DoubleToInt64Bits(r.WeightEss).ToString("X16"));
        Assert.Equal(r.Observables.Energy, new FlowMetropolisSampler(flow, t, inputs, new FlowMetropolisOptions(4, t, 5, 40, seed: 9, dispersedStarts: false)).Run().Observables.Energy);
        Assert.Equal([160L, 0L, 0L], r.MoveAcceptances.Select(a => a.Proposals));
    }

    // Recorded from the original FlowMetropolisSampler (commit 01c2d24) by the run above: M2Trace as IEEE bits, acceptance, weight ESS bits.
    private static readonly string[] OriginalTrace =
    [
        "3F9883CA06CB588E", "3F9FEC3EC90535F6", "3FA5A7B0F9A4D34C", "3FA8BC702FFF7B07", "3F99C000038D6A20", "3F99C000038D6A20",
        "3F99C000038D6A20", "3FA022CC087B3455", "3FA022CC087B3455", "3FA01DBDB3F170BC", "3FA01DBDB3F170BC", "3FA01DBDB3F170BC",
        "3F9C8A762EBF70FA", "3F9C8A762EBF70FA", "3F9C8A762EBF70FA", "3F9C8A762EBF70FA", "3F92048DCF99F292", "3F92048DCF99F292",
        "3F9679A2FB8CC854", "3F9679A2FB8CC854", "3F9679A2FB8CC854", "3F9679A2FB8CC854", "3F98AF16650DE7CA", "3F98AF16650DE7CA",
        "3F98AF16650DE7CA", "3F98AF16650DE7CA", "3F98AF16650DE7CA", "3F98AF16650DE7CA", "3F98AF16650DE7CA", "3F98AF16650DE7CA",
        "3F98AF16650DE7CA", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0",
        "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0", "3F932DE0650A4BF0",
        "3F947724D60B476E", "3F922E6A8EFE40EB", "3F922E6A8EFE40EB", "3F922E6A8EFE40EB",
    ];
    private const double OriginalAcceptance = 0.05625;
    private const string OriginalWeightEss = "3F79DA26DDE3CF67";

    /// <summary>Local moves with the same seed give the same chain whatever the flow's thread count.</summary>
    [Fact]
    public void LocalMovesAreReproducibleWhateverTheThreadCount()
    {
        const double t = 3.0;
        var inputs = ExactSamplingTests.InputData(4, t, 16, 3);
        var moves = new FlowMetropolisMoves(0.2, 0.4, 0.9);
        FlowSamplerResult Run(int threads)
        {
            var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
            flow.Threads = threads;
            return new FlowMetropolisSampler(flow, t, inputs, new FlowMetropolisOptions(4, t, 5, 20, seed: 9, moves)).Run();
        }
        var (a, b) = (Run(1), Run(2));
        Assert.Equal(a.M2Trace, b.M2Trace);
        Assert.Equal(a.MoveAcceptances, b.MoveAcceptances);
        Assert.Equal(80, a.MoveAcceptances.Sum(m => m.Proposals));
        Assert.Equal(["cluster", "noise-pcn", "input-pcn"], a.MoveAcceptances.Select(m => m.Move));
    }

    [Fact]
    public void MovesRejectInvalidSettings()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(-0.1, 0, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(1.1, 0, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(0.5, -0.1, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(0.6, 0.6, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(0.1, 0.4, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(0.1, 0.4, -0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(double.NaN, 0.4, 0.9));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowMetropolisMoves(0.1, 0.4, double.NaN));
        var moves = new FlowMetropolisMoves(0.1, 0.9, 0.0);
        Assert.Equal(0.0, moves.NoiseMoveProbability);
        Assert.Equal(FlowMetropolisMoves.ClusterOnly, new FlowMetropolisOptions(4, 3.0, 10, 10).Moves);
    }
}

public class SamplerReproducibilityTests
{
    [Fact]
    public void SameSeedGivesTheSameRunWhateverTheFlowThreadCount()
    {
        const double t = 3.0;
        var inputs = ExactSamplingTests.InputData(4, t, 16, 3);
        FlowSamplerResult RunHmc(int threads)
        {
            var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
            flow.Threads = threads;
            return new LatentHmcSampler(flow, t, inputs, new LatentHmcOptions(4, 5, 10, seed: 9)).Run();
        }
        FlowSamplerResult RunMh(int threads)
        {
            var flow = Flows.FlowTestUtil.RandomFlow(Flows.FlowTestUtil.SmallSuperRes(), 8, 4);
            flow.Threads = threads;
            return new FlowMetropolisSampler(flow, t, inputs, new FlowMetropolisOptions(4, t, 5, 20, seed: 9)).Run();
        }
        var (a, b) = (RunHmc(1), RunHmc(2));
        Assert.Equal(a.M2Trace, b.M2Trace);
        Assert.Equal(a.Observables.Energy, b.Observables.Energy);
        Assert.Equal(a.LatentHmc!.StepSize, b.LatentHmc!.StepSize);
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
