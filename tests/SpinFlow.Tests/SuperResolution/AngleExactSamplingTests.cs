using SpinFlow.Exact;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.Latent;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;
using Xunit.Abstractions;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>
/// Latent HMC is exact for clock and XY through any flow on two channels: untrained flows (random parameters) must give
/// the exact clock:4 energy (two Ising models at 2T) and agree with an independent XY Wolff run.
/// </summary>
public class AngleExactSamplingTests(ITestOutputHelper output)
{
    /// <summary>Relaxed L×L configurations of <paramref name="model"/>: Wolff angles, then x | s exactly.</summary>
    private static float[] InputData(SpinModel model, int size, double temperature, int count, ulong seed)
    {
        var sampler = new ExactRelaxedAngleSampler(new RelaxedAngleModel(model, size, temperature), count, seed);
        sampler.Thermalize(20);
        return sampler.Configurations.ToArray().Select(v => (float)v).ToArray();
    }

    private static Flow UntrainedFlow(int size, ulong seed) => RandomFlow(SmallSuperRes().WithChannels(2), size, seed, scale: 0.3, aScale: 0.2);

    [Fact]
    public void LatentHmcThroughAnUntrainedClock4StackGivesTheExactEnergy()
    {
        const double T = 1.6;
        const ulong Seed = 41;
        var model = SpinModel.Clock(4);
        var stack = new FlowStack([UntrainedFlow(4, Seed), UntrainedFlow(8, Seed + 1)]);
        var latent = new SuperResolutionLatent(new DataSetDistribution(InputData(model, 2, T, 32, Seed), 32, 2, channels: 2), 2);
        var options = new LatentHmcOptions(chains: 16, warmUp: 100, trajectories: 400, new HmcOptions { LeapfrogSteps = 8, StepSize = 0.1 }, Seed);
        var result = new LatentHmcSampler(stack, latent, new RelaxedAngleModel(model, 8, T), options).Run();
        double exact = ClockExact.Compute(model, 8, T).Energy;
        var e = result.Observables.Energy;
        output.WriteLine($"clock:4 T = {T}: ⟨e⟩ = {e}, exact {exact:F6}, {e.DeviationSigma(exact):F2}σ; acceptance {result.Acceptance:F3}, " +
            $"τ_e = {result.TauEnergy.Tau:F2}, Υ = {result.Angle!.Helicity}, {result.Elapsed.TotalSeconds:F1} s");
        Assert.InRange(result.Acceptance, 0.3, 1.0);
        Assert.True(Math.Abs(e.DeviationSigma(exact)) < 4, $"⟨e⟩ = {e} vs exact {exact}");
    }

    // With and without Wolff reflections in the spin move: either way the move must leave π_x invariant.
    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void XyLatentHmcWithSpinMovesAgreesWithWolff(int clusters)
    {
        const double T = 1.1;
        const ulong Seed = 51;
        var model = SpinModel.Xy;
        var flow = UntrainedFlow(8, Seed);
        var latent = new SuperResolutionLatent(new DataSetDistribution(InputData(model, 4, T, 32, Seed), 32, 4, channels: 2));
        var options = new LatentHmcOptions(chains: 16, warmUp: 100, trajectories: 300, new HmcOptions { LeapfrogSteps = 8, StepSize = 0.1 }, Seed, spinSweeps: 1, spinClusters: clusters);
        var result = new LatentHmcSampler(flow, latent, new RelaxedAngleModel(model, 8, T), options).Run();
        var wolff = AngleChainRun.Run(model, new McmcOptions(8, T, SpinAlgorithm.Wolff, 40_000, 1000, 1, Seed ^ 0x776F6C66));
        var hmc = result.Angle!;
        output.WriteLine($"xy T = {T}: latent HMC ⟨e⟩ = {hmc.Base.Energy}, ⟨m²⟩ = {hmc.Base.M2}, Υ = {hmc.Helicity}, vortices {hmc.VortexDensity}; " +
            $"Wolff ⟨e⟩ = {wolff.Observables.Base.Energy}, ⟨m²⟩ = {wolff.Observables.Base.M2}, Υ = {wolff.Observables.Helicity}, vortices {wolff.Observables.VortexDensity}; " +
            $"acceptance {result.Acceptance:F3}, spin {result.AcceptanceOf(LatentHmcSampler.SpinMove)!.Rate:F3}, {result.Elapsed.TotalSeconds:F1} s");
        AssertAgree("⟨e⟩", hmc.Base.Energy, wolff.Observables.Base.Energy);
        AssertAgree("⟨m²⟩", hmc.Base.M2, wolff.Observables.Base.M2);
        AssertAgree("Υ", hmc.Helicity, wolff.Observables.Helicity);
        AssertAgree("vortex density", hmc.VortexDensity, wolff.Observables.VortexDensity);
    }

    [Fact]
    public void Clock4LatentHmcWithClusterSpinMovesGivesTheExactEnergy()
    {
        const double T = 1.6;
        const ulong Seed = 61;
        var model = SpinModel.Clock(4);
        var flow = UntrainedFlow(8, Seed);
        var latent = new SuperResolutionLatent(new DataSetDistribution(InputData(model, 4, T, 32, Seed), 32, 4, channels: 2));
        var options = new LatentHmcOptions(chains: 16, warmUp: 50, trajectories: 200, new HmcOptions { LeapfrogSteps = 8, StepSize = 0.1 }, Seed,
            spinSweeps: 1, spinClusters: 3);
        var result = new LatentHmcSampler(flow, latent, new RelaxedAngleModel(model, 8, T), options).Run();
        double exact = ClockExact.Compute(model, 8, T).Energy;
        var e = result.Observables.Energy;
        output.WriteLine($"clock:4 T = {T} with cluster spin moves: ⟨e⟩ = {e}, exact {exact:F6}, {e.DeviationSigma(exact):F2}σ, c = {result.Observables.SpecificHeat}, " +
            $"exact {ClockExact.Compute(model, 8, T).SpecificHeat:F4}; {result.Elapsed.TotalSeconds:F1} s");
        Assert.True(Math.Abs(e.DeviationSigma(exact)) < 4, $"⟨e⟩ = {e} vs exact {exact}");
        Assert.True(Math.Abs(result.Observables.SpecificHeat.DeviationSigma(ClockExact.Compute(model, 8, T).SpecificHeat)) < 4, $"c = {result.Observables.SpecificHeat}");
    }

    [Fact]
    public void ClusterFlipsInTheSpinMoveAreRefusedWithoutSweepsAndForIsing()
    {
        Assert.Throws<ArgumentException>(() => new LatentHmcOptions(4, 10, 10, spinSweeps: 0, spinClusters: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(4, 10, 10, spinSweeps: 1, spinClusters: -1));
        Assert.Throws<ArgumentException>(() => new RelaxedIsing(4, 2.0).CreateSpinMove(2, 1, 1, clusters: 1));
    }

    private static void AssertAgree(string name, Estimate a, Estimate b)
    {
        double sigma = Math.Sqrt(a.Error * a.Error + b.Error * b.Error);
        Assert.True(Math.Abs(a.Mean - b.Mean) < 4 * sigma, $"{name}: latent HMC {a} vs Wolff {b} ({(a.Mean - b.Mean) / sigma:F1}σ)");
    }
}
