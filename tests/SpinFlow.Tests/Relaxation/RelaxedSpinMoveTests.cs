using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using Xunit.Abstractions;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Relaxation;

/// <summary>
/// The x-space spin move of the angle models (s | x, Metropolis sweeps of s, x | s) must leave π_x invariant: started from
/// exact relaxed samples (Wolff + x | s) and applied many times, the improved ⟨e⟩ must stay at the exact clock:4 value
/// (Kaufman at 2T) and at the XY value of an independent Wolff run, within 4σ of the between-chain error.
/// </summary>
public class RelaxedSpinMoveTests(ITestOutputHelper output)
{
    private const int Chains = 32, Moves = 300, Size = 8;

    // Mean over moves of E[e | x] per chain, then the mean over chains and its between-chain error.
    private (double Mean, double Error, double Acceptance, double Moved) RunMoves(RelaxedAngleModel model, ulong seed, int sweeps)
    {
        var exact = new ExactRelaxedAngleSampler(model, Chains, seed);
        exact.Thermalize(Math.Max(200, exact.TuningSteps));
        var x = exact.Configurations.ToArray();
        var start = (double[])x.Clone();
        var move = model.CreateSpinMove(Chains, sweeps, seed + 1000);
        int d = model.Dimension;
        var mean = new double[d];
        var chainMeans = new double[Chains];
        for (int m = 0; m < Moves; m++)
        {
            move.Apply(x);
            for (int c = 0; c < Chains; c++)
            {
                model.MeanSpins(x.AsSpan(c * d, d), mean);
                chainMeans[c] += RelaxedAngleEstimators.Improved(mean, model.Size).Energy / Moves;
            }
        }
        double avg = chainMeans.Average();
        double variance = chainMeans.Sum(v => (v - avg) * (v - avg)) / (Chains - 1);
        double moved = 0;
        for (int i = 0; i < x.Length; i++) moved = Math.Max(moved, Math.Abs(x[i] - start[i]));
        return (avg, Math.Sqrt(variance / Chains), move.SpinAcceptance, moved);
    }

    [Fact]
    public void Clock4MoveKeepsTheExactEnergy()
    {
        const double t = 1.1;
        var model = new RelaxedAngleModel(SpinModel.Clock(4), Size, t);
        var (e, err, acceptance, moved) = RunMoves(model, 41, sweeps: 1);
        double exact = ClockExact.Compute(SpinModel.Clock(4), Size, t).Energy;
        output.WriteLine($"clock:4 T = {t}: ⟨e⟩ = {e:F5} ± {err:F5}, exact {exact:F5} ({(e - exact) / err:F2}σ), spin acceptance {acceptance:F3}, largest change {moved:F2}");
        Assert.True(moved > 0.5, "the move left x where it was");
        Assert.InRange(acceptance, 0.05, 0.95);
        Assert.True(Math.Abs(e - exact) < 4 * err, $"⟨e⟩ = {e} ± {err} vs exact {exact}");
    }

    [Fact]
    public void XyMoveKeepsTheWolffEnergy()
    {
        const double t = 0.9;
        var model = new RelaxedAngleModel(SpinModel.Xy, Size, t);
        var (e, err, acceptance, moved) = RunMoves(model, 43, sweeps: 2);
        var reference = AngleChainRun.Run(SpinModel.Xy, new McmcOptions(Size, t, SpinAlgorithm.Wolff, 40000, 500, 1, 44)).Observables.Base.Energy;
        double sigma = Math.Sqrt(err * err + reference.Error * reference.Error);
        output.WriteLine($"XY T = {t}: ⟨e⟩ = {e:F5} ± {err:F5}, Wolff {reference} ({(e - reference.Mean) / sigma:F2}σ), spin acceptance {acceptance:F3}, largest change {moved:F2}");
        Assert.True(moved > 0.5, "the move left x where it was");
        Assert.InRange(acceptance, 0.05, 0.95);
        Assert.True(Math.Abs(e - reference.Mean) < 4 * sigma, $"⟨e⟩ = {e} ± {err} vs Wolff {reference}");
    }

    [Fact]
    public void XyWindowIsFixedAndTheMoveReproducible()
    {
        var model = new RelaxedAngleModel(SpinModel.Xy, 4, 0.7);
        var move = new RelaxedAngleSpinMove(model, 3, 2, seed: 9);
        Assert.InRange(move.Window, 1e-3, Math.PI);
        Assert.Equal(move.Window, new RelaxedAngleSpinMove(model, 7, 1, seed: 9).Window); // not a function of the chain count
        Assert.Equal(0.25, new RelaxedAngleSpinMove(model, 3, 2, seed: 9, window: 0.25).Window);
        Assert.True(double.IsNaN(new RelaxedAngleSpinMove(new RelaxedAngleModel(SpinModel.Clock(5), 4, 0.7), 3, 2, 9).Window));

        var x = new double[3 * model.Dimension];
        new Xoshiro256(2).FillGaussian(x);
        var again = (double[])x.Clone();
        move.Apply(x);
        new RelaxedAngleSpinMove(model, 3, 2, seed: 9).Apply(again);
        Assert.Equal(x, again);
        Assert.Throws<ArgumentException>(() => move.Apply(new double[model.Dimension]));

        // A fixed-window XyMetropolis never tunes.
        var fixedWindow = new XyMetropolis(8, 0.5, 3, window: 0.4);
        Assert.Equal(0, fixedWindow.TuningSweeps);
        for (int s = 0; s < 2 * XyMetropolis.WindowTuningSweeps; s++) fixedWindow.Sweep();
        Assert.Equal(0.4, fixedWindow.Window);
        Assert.Throws<ArgumentOutOfRangeException>(() => new XyMetropolis(8, 0.5, 3, window: 4.0));
    }

    [Fact]
    public void SinglePrecisionEnergyAllocatesNoArraysOnceWarm()
    {
        // 32×32: one configuration's scratch would be 16 KiB; what remains (a few hundred bytes) is the delegate of the
        // coupling's FFT dispatch, whatever the size.
        var model = new RelaxedAngleModel(SpinModel.Clock(6), 32, 1.0, maxDegreeOfParallelism: 1);
        var x = new float[2 * model.Dimension];
        var rng = new Xoshiro256(4);
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextGaussian();
        var energy = new double[2];
        var gradient = new float[x.Length];
        model.EnergyAndGradient(x, energy, gradient);
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.EnergyAndGradient(x, energy, gradient);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.InRange(allocated, 0, 1024);
        // And the float path agrees with the double one.
        var xd = x.Select(v => (double)v).ToArray();
        var ed = new double[2];
        var gd = new double[xd.Length];
        model.EnergyAndGradient(xd, ed, gd);
        Assert.Equal(ed, energy);
        for (int i = 0; i < gd.Length; i++) Assert.Equal((float)gd[i], gradient[i]);
    }

    [Fact]
    public void LatentTargetTakesAnyRelaxedModelOfTheFlowsShape()
    {
        var flow = RandomFlow(SmallSuperRes(), 4, 3, scale: 0.3, aScale: 0.2);
        var ising = new LatentTarget(flow, new RelaxedIsing(4, 2.3));
        Assert.Equal(16, ising.Dimension);
        Assert.Equal(SpinModel.Ising, ising.Model.Model);
        // A one-channel flow cannot produce the two components per site of the XY relaxation.
        var e = Assert.Throws<ArgumentException>(() => new LatentTarget(flow, new RelaxedAngleModel(SpinModel.Xy, 4, 0.9)));
        Assert.Contains("32", e.Message);
    }
}
