namespace SpinFlow.Statistics;

/// <summary>Convergence diagnostics of one observable.</summary>
/// <param name="SokalError">Error from Sokal's τ_int (blocked jackknife for c, χ, U₄).</param>
/// <param name="BetweenChainError">Standard error from the spread of the per-chain values (NaN for one chain).</param>
/// <param name="Ess">Effective sample size behind the reported error: variance of one measurement / error².</param>
/// <param name="RHat">Split-R̂ over the chains (one chain: over segments of it); for c, χ, U₄ the largest of their moments'.</param>
/// <param name="DriftSigma">Mean of the second half of the measurements minus the first half, in combined σ (NaN for c, χ, U₄).</param>
/// <param name="WindowReached">False when the series is too short for Sokal's window (τ_int and the error are then unreliable).</param>
public readonly record struct ObservableConvergence(double SokalError, double BetweenChainError, double Ess, double RHat, double DriftSigma, bool WindowReached);

/// <summary>Diagnostics of the six Ising observables, in the order of <see cref="IsingObservables"/>.</summary>
public sealed record IsingConvergence(
    ObservableConvergence Energy,
    ObservableConvergence SpecificHeat,
    ObservableConvergence M2,
    ObservableConvergence AbsM,
    ObservableConvergence Susceptibility,
    ObservableConvergence Binder);
