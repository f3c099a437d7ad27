using SpinFlow.Exact;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.Relaxation;
using SpinFlow.Latent;
using SpinFlow.SuperResolution;
using SpinFlow.Tests.Latent;
using Xunit.Abstractions;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>
/// The spin move between latent-HMC trajectories (x = F(z), s | x, Metropolis sweeps, x | s, z = F⁻¹(x)) must leave the
/// latent target invariant: with it, latent HMC through untrained flows must still reproduce exact results — ⟨e⟩ and ⟨m²⟩
/// by enumeration on 4×4, ⟨e⟩ by Kaufman's solution on 8×8 through a two-level stack with a mass per level.
/// </summary>
public class LatentSpinMoveTests(ITestOutputHelper output)
{
    private static LatentHmcOptions Options(ulong seed, int sweeps, bool massPerLevel = false, int chains = 32, int warmUp = 100, int trajectories = 400) =>
        new(chains, warmUp, trajectories, new HmcOptions { LeapfrogSteps = 8, StepSize = 0.1 }, seed, massPerLevel: massPerLevel, spinSweeps: sweeps);

    /// <summary>
    /// 2×2 → 4×4 through an untrained flow, where enumeration gives both observables; five sweeps per trajectory, so the move
    /// carries much of the mixing (a move at the wrong temperature or with a wrong inverse would pull both averages off).
    /// </summary>
    [Theory]
    [InlineData(2.3, 61UL)]
    public void LatentHmcWithSpinMovesReproducesEnumerationOn4x4(double temperature, ulong seed)
    {
        var flow = RandomFlow(SmallSuperRes(), 4, seed, scale: 0.3, aScale: 0.2);
        var inputs = ExactSamplingTests.InputData(2, temperature, 64, seed);
        var result = new LatentHmcSampler(flow, temperature, inputs, Options(seed, sweeps: 5)).Run();
        var exact = IsingEnumeration.Compute(4, temperature);
        var e = result.Observables.Energy;
        var m2 = result.Observables.M2;
        var spin = result.AcceptanceOf(LatentHmcSampler.SpinMove)!;
        output.WriteLine($"T = {temperature}: ⟨e⟩ = {e} (exact {exact.Energy:F6}, {e.DeviationSigma(exact.Energy):F2}σ), ⟨m²⟩ = {m2} (exact {exact.M2:F6}, " +
            $"{m2.DeviationSigma(exact.M2):F2}σ); HMC acceptance {result.Acceptance:F3}, spin acceptance {spin.Rate:F3}, " +
            $"round trip {result.LatentHmc!.SpinMoveRoundTrip:G3}, τ_e = {result.TauEnergy.Tau:F2}, τ_m² = {result.TauM2.Tau:F2}, {result.Elapsed.TotalSeconds:F1} s");
        Assert.InRange(spin.Rate, 0.05, 0.95);
        Assert.InRange(result.LatentHmc!.SpinMoveRoundTrip, 0, 1e-4);
        Assert.True(result.TauEnergy.Reliable && result.TauM2.Reliable, "τ_int window not reached: the error bar is not trustworthy");
        Assert.True(Math.Abs(e.DeviationSigma(exact.Energy)) < 4, $"⟨e⟩ = {e} vs exact {exact.Energy}");
        Assert.True(Math.Abs(m2.DeviationSigma(exact.M2)) < 4, $"⟨m²⟩ = {m2} vs exact {exact.M2}");
    }

    /// <summary>Through an untrained 2 → 4 → 8 stack, together with the mass per level (the pipeline's combination).</summary>
    /// <remarks>With the level size weighting 1/4 (issue 18) the coarse levels take larger steps; any fixed mass stays exact.</remarks>
    [Theory]
    [InlineData(2.6, 47UL, 0.0)]
    [InlineData(2.6, 48UL, 0.25)]
    public void LatentHmcWithSpinMovesAndAMassPerLevelReproducesTheExactEnergyThroughAStack(double temperature, ulong seed, double weighting)
    {
        var stack = new FlowStack([RandomFlow(SmallSuperRes(), 4, seed, 0.3, 0.2), RandomFlow(SmallSuperRes(), 8, seed + 1, 0.3, 0.2)]);
        var prior = LatentTestUtil.OverData(2, 2, ExactSamplingTests.InputData(2, temperature, 64, seed));
        var options = new LatentHmcOptions(32, 100, 400, new HmcOptions { LeapfrogSteps = 8, StepSize = 0.1 }, seed, massPerLevel: true, spinSweeps: 2,
            levelSizeWeighting: weighting);
        var result = new LatentHmcSampler(stack, prior, temperature, options).Run();
        double exact = KaufmanSolution.Compute(8, temperature).Energy;
        var e = result.Observables.Energy;
        var hmc = result.LatentHmc!;
        output.WriteLine($"T = {temperature}: ⟨e⟩ = {e}, exact {exact:F6}, {e.DeviationSigma(exact):F2}σ; HMC acceptance {result.Acceptance:F3}, " +
            $"spin acceptance {result.AcceptanceOf(LatentHmcSampler.SpinMove)!.Rate:F3}, round trip {hmc.SpinMoveRoundTrip:G3}, scales {string.Join(", ", hmc.LevelScale.Select(s => s.ToString("F2")))}, " +
            $"τ_e = {result.TauEnergy.Tau:F2}, {result.Elapsed.TotalSeconds:F1} s");
        Assert.InRange(hmc.SpinMoveRoundTrip, 0, 1e-4);
        Assert.True(result.TauEnergy.Reliable, "τ_int window not reached: the error bar is not trustworthy");
        Assert.True(Math.Abs(e.DeviationSigma(exact)) < 4, $"⟨e⟩ = {e} vs exact {exact}");
    }

    /// <summary>
    /// One move really moves the lattice (fresh spins and field) and lands back in the latent space: F(z') reproduces x'
    /// to float32 round-off; and the same seed gives the same chains.
    /// </summary>
    [Fact]
    public void TheMoveChangesTheLatticeInvertsExactlyAndIsReproducible()
    {
        const ulong seed = 5;
        var flow = RandomFlow(SmallSuperRes(), 8, seed, scale: 0.3, aScale: 0.2);
        var target = new LatentTarget(flow, new RelaxedIsing(8, 2.3));
        var prior = LatentTestUtil.OverData(4, 1, ExactSamplingTests.InputData(4, 2.3, 16, seed));
        const int chains = 4;
        var z = prior.Draw(chains, seed);
        var before = (double[])z.Clone();
        var move = new LatentSpinMove(target, chains, sweeps: 3, seed);
        move.Apply(z);
        double changed = 0;
        for (int i = 0; i < z.Length; i++) changed = Math.Max(changed, Math.Abs(z[i] - before[i]));
        Assert.True(changed > 0.1, $"the move left z within {changed} of where it was");
        var x = new float[z.Length];
        target.Generate(z, x, new double[chains], new double[chains]);
        move.CheckRoundTrip(x);
        output.WriteLine($"largest latent change {changed:F3}, round trip {move.RoundTripError:G3}, spin acceptance {move.SpinAcceptance:F3}");
        Assert.InRange(move.RoundTripError, 0, 1e-4);

        var again = (double[])before.Clone();
        new LatentSpinMove(target, chains, sweeps: 3, seed).Apply(again);
        Assert.Equal(z, again);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentSpinMove(target, chains, sweeps: 0, seed));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(4, 10, 10, spinSweeps: -1));
    }

    /// <summary>
    /// The result lists every move with its own rate and count: HMC trajectories over the measured phase (its rate is the
    /// run's acceptance), spin flips over the whole run (sweeps × sites × chains per move), and nothing else.
    /// </summary>
    [Fact]
    public void LatentHmcReportsAcceptancePerMove()
    {
        const ulong seed = 3;
        var flow = RandomFlow(SmallSuperRes(), 4, seed, scale: 0.3, aScale: 0.2);
        var inputs = ExactSamplingTests.InputData(2, 2.5, 16, seed);
        var plain = new LatentHmcSampler(flow, 2.5, inputs, Options(seed, sweeps: 0, chains: 3, warmUp: 4, trajectories: 6)).Run();
        Assert.Equal([LatentHmcSampler.HmcMove], plain.MoveAcceptances.Select(a => a.Move));
        Assert.Equal(3 * 6, plain.MoveAcceptances[0].Proposals);
        Assert.Equal(plain.Acceptance, plain.MoveAcceptances[0].Rate);
        Assert.Null(plain.AcceptanceOf(LatentHmcSampler.SpinMove));

        var withSpins = new LatentHmcSampler(flow, 2.5, inputs, Options(seed, sweeps: 2, chains: 3, warmUp: 4, trajectories: 6)).Run();
        Assert.Equal([LatentHmcSampler.HmcMove, LatentHmcSampler.SpinMove], withSpins.MoveAcceptances.Select(a => a.Move));
        Assert.Equal((4 + 6) * 2 * 16 * 3L, withSpins.AcceptanceOf(LatentHmcSampler.SpinMove)!.Proposals);
        Assert.InRange(withSpins.AcceptanceOf(LatentHmcSampler.SpinMove)!.Rate, 0.0, 1.0);
        Assert.Equal(LatentHmcSampler.Method, withSpins.Method);
        Assert.Null(withSpins.FlowMetropolis);
    }

    /// <summary>
    /// A measurement after a spin move reuses the x = F(z) of the move's re-evaluation of U instead of a second forward pass:
    /// the measured configurations must still be exactly F of the chains' latents. The time breakdown covers the run.
    /// </summary>
    [Fact]
    public void MeasurementsAfterSpinMovesSeeExactlyTheGeneratedLatticeAndTheTimeIsAccountedFor()
    {
        const double T = 2.3;
        const ulong Seed = 9;
        var flow = RandomFlow(SmallSuperRes(), 4, Seed, scale: 0.3, aScale: 0.2);
        var inputs = ExactSamplingTests.InputData(2, T, 16, Seed);
        var result = new LatentHmcSampler(flow, T, inputs, Options(Seed, sweeps: 2, chains: 4, warmUp: 4, trajectories: 8)).Run();
        var hmc = result.LatentHmc!;
        var x = new float[hmc.FinalLatent.Length];
        new LatentTarget(flow, new RelaxedIsing(4, T)).Generate(hmc.FinalLatent, x, new double[4], new double[4]);
        Assert.Equal(x, result.FinalConfigurations.ToArray());

        var times = hmc.Times!;
        Assert.Equal(times.Total, times.Parts.Sum(p => p.Seconds), 9);
        Assert.InRange(times.Total, 0, result.Elapsed.TotalSeconds + 1e-9);
        foreach (var part in times.Parts)
            Assert.True(part.Seconds >= 0, $"{part.Name}: {part.Seconds} s");
        Assert.True(times["hmc_flow_forward"] > 0 && times["hmc_flow_backward"] > 0 && times["spin_inverse"] > 0);
        Assert.Single(times.Levels!.Forward);
        var back = SamplingTimes.FromJson(times.ToJson())!;
        Assert.Equal(times.Parts, back.Parts);
        Assert.Equal(times.Levels.Backward, back.Levels!.Backward);
    }

    /// <summary>
    /// The size weighting multiplies each level's 1/√κ scale by (n_finest / n_k)^w: with n = 4, 12, 48 values (ξ on 2×2, the
    /// noises of a 2 → 4 and a 4 → 8 flow) and w = 1/4, ξ gets 12^¼ and the middle level 4^¼ on top of √(κ_f / κ_k).
    /// </summary>
    [Fact]
    public void LevelSizeWeightingScalesCoarseLevelsByTheirShareOfTheLatent()
    {
        double[] curvature = [16, 4, 1];
        var plain = LatentHmcSampler.LevelScales(curvature);
        Assert.Equal([0.25, 0.5, 1.0], plain);
        var weighted = LatentHmcSampler.LevelScales(curvature, [4, 12, 48], 0.25);
        Assert.Equal(0.25 * Math.Pow(12, 0.25), weighted[0], 12);
        Assert.Equal(0.5 * Math.Pow(4, 0.25), weighted[1], 12);
        Assert.Equal(1.0, weighted[2], 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LatentHmcOptions(4, 10, 10, massPerLevel: true, levelSizeWeighting: 0.6));
    }
}
