using SpinFlow.Lattice;

namespace SpinFlow.MonteCarlo;

/// <summary>A Markov chain on clock or XY configurations of a periodic L×L lattice that leaves exp(−H/T) invariant.</summary>
public interface IAngleSampler
{
    /// <summary>The model sampled (clock:Q or xy).</summary>
    SpinModel Model { get; }

    /// <summary>Linear size L.</summary>
    int Size { get; }

    /// <summary>Temperature T.</summary>
    double Temperature { get; }

    /// <summary>
    /// Advances the chain by one sweep: N single-site attempts (Metropolis) or a fixed number of clusters, calibrated
    /// during the first sweeps so that a sweep flips about N spins (Wolff; see <see cref="ClusterCalibration"/>).
    /// </summary>
    void Sweep();

    /// <summary>Sweeps at the start whose moves are still being tuned (Metropolis window, Wolff clusters per sweep); they belong to the burn-in.</summary>
    int TuningSweeps { get; }

    /// <summary>Spin updates done so far (attempts for Metropolis, spins flipped for Wolff): the unit of the speed figure.</summary>
    long SpinUpdates { get; }

    /// <summary>Energy, magnetisation, helicity terms and vortex density of the current configuration.</summary>
    AngleMeasurement Measure();

    /// <summary>Copies the current angles θ_i ∈ [0, 2π), row-major, into <paramref name="angles"/> (length N).</summary>
    void CopyAngles(Span<double> angles);
}
