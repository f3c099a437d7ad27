using SpinFlow.Hmc;
using SpinFlow.Lattice;

namespace SpinFlow.Relaxation;

/// <summary>
/// A relaxed spin model as the latent side sees it (<see cref="RelaxedIsing"/>: one value per site; <see cref="RelaxedAngleModel"/>:
/// two, interleaved per site): E(x) with its gradient in double and, as the flows' training target, in float32
/// (<see cref="Training.ILatticeEnergy"/>: an empty gradient computes energies only), and the local spin move in x-space.
/// </summary>
public interface IRelaxedModel : IDifferentiableTarget, Training.ILatticeEnergy
{
    /// <summary>The spin model relaxed.</summary>
    SpinModel Model { get; }

    /// <summary>Number of sites N = L² (<see cref="IDifferentiableTarget.Dimension"/> is N or 2N values per configuration).</summary>
    int Sites { get; }

    /// <summary>Temperature T.</summary>
    double Temperature { get; }

    /// <summary>The shift c in K' = A/T + c·I.</summary>
    double Shift { get; }

    /// <summary>E(x) of one configuration (<see cref="IDifferentiableTarget.Dimension"/> values).</summary>
    double Energy(ReadOnlySpan<double> x);

    /// <summary>
    /// The move s ~ p(s | x), <paramref name="sweeps"/> Metropolis sweeps of s at T, <paramref name="clusters"/> Wolff cluster
    /// reflections (clock and XY models only), x ~ p(x | s) for <paramref name="chains"/> chains, each with its own streams derived
    /// from <paramref name="seed"/>; it leaves π_x invariant.
    /// </summary>
    IRelaxedSpinMove CreateSpinMove(int chains, int sweeps, ulong seed, int clusters = 0);
}

/// <summary>
/// The local move in x-space of a relaxed model: two exact conditional draws around a Metropolis chain on the spins, so
/// each of its steps leaves the joint law of (x, s) invariant and the move leaves π_x invariant.
/// </summary>
public interface IRelaxedSpinMove
{
    /// <summary>Chains moved per call.</summary>
    int Chains { get; }

    /// <summary>Metropolis sweeps of the spins per move.</summary>
    int Sweeps { get; }

    /// <summary>Mean Metropolis acceptance of the spin sweeps so far (NaN before the first move).</summary>
    double SpinAcceptance { get; }

    /// <summary>Moves every chain of <paramref name="x"/> (chains × Dimension) in place; reproducible for a seed whatever the thread count.</summary>
    void Apply(Span<double> x);
}
