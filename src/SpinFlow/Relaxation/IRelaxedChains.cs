using SpinFlow.Hmc;

namespace SpinFlow.Relaxation;

/// <summary>
/// What <see cref="RelaxedRun"/> drives, whatever the spin model: many chains on relaxed configurations advanced together,
/// each step leaving π_x ∝ e^{−E(x)} invariant.
/// </summary>
public interface IRelaxedChains
{
    /// <summary>Number of independent chains advanced together.</summary>
    int Chains { get; }

    /// <summary>Current configurations, chain after chain.</summary>
    ReadOnlySpan<double> Configurations { get; }

    /// <summary>Discards <paramref name="steps"/> steps per chain.</summary>
    void Thermalize(int steps);

    /// <summary>One update of every chain.</summary>
    void Step();

    /// <summary>Acceptance record since thermalisation (HMC), null for rejection-free samplers.</summary>
    HmcStatistics? Acceptance { get; }

    /// <summary>The HMC engine of an HMC sampler, whose warm-up the run opens and closes around thermalisation; null otherwise.</summary>
    HamiltonianMonteCarlo? Hmc => null;
}
