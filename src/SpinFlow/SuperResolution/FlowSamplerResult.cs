using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>Acceptance of one kind of move of a flow sampler.</summary>
/// <param name="Move">Its name as the reports print it (latent HMC: "hmc", "spin"; flow Metropolis: "cluster", "input-pcn", "noise-pcn").</param>
/// <param name="Rate">Accepted / proposed (NaN when the move was never proposed).</param>
/// <param name="Proposals">Proposals made with it (chain proposals: every chain counts).</param>
public sealed record MoveAcceptance(string Move, double Rate, long Proposals);

/// <summary>
/// Outcome of an exact sampler of π_x through flows (<see cref="LatentHmcSampler"/>, <see cref="FlowMetropolisSampler"/>):
/// what every method reports, and the details only one method has.
/// </summary>
/// <param name="Method">"latent-hmc" or "flow-mh" (<see cref="LatentHmcSampler.Method"/>, <see cref="FlowMetropolisSampler.Method"/>).</param>
/// <param name="Observables">Ising observables of x = F(z) at T_x from the improved estimators; τ in steps (trajectories) of one chain; errors the larger of Sokal's and the between-chain spread.</param>
/// <param name="Convergence">
/// Convergence verdict and diagnostics over the chains' measured steps; flow Metropolis adds its own check (weight ESS
/// times cluster proposals below <see cref="FlowMetropolisSampler.MinEffectiveProposals"/>).
/// </param>
/// <param name="TauEnergy">τ_int of E[e | x] (chain-averaged series), in steps of one chain.</param>
/// <param name="TauM2">τ_int of E[m² | x], in steps of one chain.</param>
/// <param name="Acceptance">
/// Acceptance of the method's Metropolis test over the measured steps: the HMC trajectories for latent HMC (spin moves,
/// if any, only in <paramref name="MoveAcceptances"/>), all proposals for flow Metropolis.
/// </param>
/// <param name="MoveAcceptances">Acceptance per kind of move, in the method's fixed order.</param>
/// <param name="WeightEss">
/// Importance-weight ESS per draw, (Σw)² / (n Σw²), of the flow against π_x (1 for a perfect flow): latent HMC over its
/// starting draws z ~ p_z (one per chain, so rough; NaN for a given start or a prior without density), flow Metropolis
/// over its measured cluster proposals (NaN without them).
/// </param>
/// <param name="M2Trace">Mean over chains of E[m² | x] after every step, warm-up included (entry 0 is the starting point).</param>
/// <param name="FinalConfigurations">x = F(z) of every chain after the last step (chains × N, float32).</param>
/// <param name="Elapsed">Wall time of the whole run.</param>
/// <param name="Shift">Relaxation shift of the output model (the configurations' metadata).</param>
public sealed record FlowSamplerResult(string Method, IsingObservables Observables, ConvergenceReport Convergence,
    AutocorrelationTime TauEnergy, AutocorrelationTime TauM2, double Acceptance, IReadOnlyList<MoveAcceptance> MoveAcceptances,
    double WeightEss, double[] M2Trace, float[] FinalConfigurations, TimeSpan Elapsed, double Shift)
{
    /// <summary>Every chain's E[m² | x] after every step, step-major ([t·chains + c]), warm-up included, as <see cref="M2Trace"/>; empty when not recorded.</summary>
    public double[] ChainM2Trace { get; init; } = [];

    /// <summary>Every chain's E[e | x] per step, laid out as <see cref="ChainM2Trace"/>; empty when not recorded.</summary>
    public double[] ChainEnergyTrace { get; init; } = [];

    /// <summary>Clock and XY: the observables with Υ and the vortex density (<see cref="AngleObservables.Base"/> is <see cref="Observables"/>); null for Ising.</summary>
    public AngleObservables? Angle { get; init; }

    /// <summary>What only latent HMC reports; null for other methods.</summary>
    public LatentHmcDetails? LatentHmc { get; init; }

    /// <summary>What only flow Metropolis reports; null for other methods.</summary>
    public FlowMetropolisDetails? FlowMetropolis { get; init; }

    /// <summary>The acceptance of move <paramref name="move"/>, or null when the method has no such move.</summary>
    public MoveAcceptance? AcceptanceOf(string move) => MoveAcceptances.FirstOrDefault(a => a.Move == move);
}
