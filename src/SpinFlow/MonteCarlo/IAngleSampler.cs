using SpinFlow.Lattice;

namespace SpinFlow.MonteCarlo;

/// <summary>A Markov chain on clock or XY configurations of a periodic L×L lattice that leaves exp(−H/T) invariant.</summary>
public interface IAngleSampler : ISweepSampler
{
    /// <summary>The model sampled (clock:Q or xy).</summary>
    SpinModel Model { get; }

    /// <summary>Linear size L.</summary>
    int Size { get; }

    /// <summary>Temperature T.</summary>
    double Temperature { get; }

    /// <summary>Sweeps at the start whose moves are still being tuned (Metropolis window, Wolff clusters per sweep); they belong to the burn-in.</summary>
    int TuningSweeps { get; }

    /// <summary>Energy, magnetisation, helicity terms and vortex density of the current configuration.</summary>
    AngleMeasurement Measure();

    /// <summary>Copies the current angles θ_i ∈ [0, 2π), row-major, into <paramref name="angles"/> (length N).</summary>
    void CopyAngles(Span<double> angles);

    /// <summary>Copies the current unit spins (cos θ_i, sin θ_i), row-major, into <paramref name="cos"/> and <paramref name="sin"/> (length N each); clock spins take their exact table values.</summary>
    void CopySpins(Span<double> cos, Span<double> sin);
}
