namespace SpinFlow.MonteCarlo;

/// <summary>A Markov chain on ±1 spin configurations of a periodic L×L lattice that leaves exp(−H/T) invariant.</summary>
public interface ISpinSampler
{
    /// <summary>Linear size L.</summary>
    int Size { get; }

    /// <summary>Temperature T.</summary>
    double Temperature { get; }

    /// <summary>Current configuration, row-major, ±1.</summary>
    ReadOnlySpan<sbyte> Spins { get; }

    /// <summary>
    /// Advances the chain by one sweep: N single-spin attempts (Metropolis), one cluster decomposition of
    /// the whole lattice (Swendsen–Wang), or a fixed number ⌈N / ⟨|C|⟩⌉ of single clusters, calibrated during
    /// the first sweeps so that a sweep flips about N spins on average (Wolff; see <see cref="Wolff"/> for why
    /// "until N spins have flipped" would bias measurements).
    /// </summary>
    void Sweep();

    /// <summary>Spin updates done so far (attempts for Metropolis, sites visited for cluster algorithms): the unit of the speed figure.</summary>
    long SpinUpdates { get; }
}

/// <summary>Reference spin-space algorithms.</summary>
public enum SpinAlgorithm
{
    /// <summary>Checkerboard single-spin-flip Metropolis–Hastings.</summary>
    Metropolis,
    /// <summary>Swendsen–Wang multi-cluster update.</summary>
    SwendsenWang,
    /// <summary>Wolff single-cluster update.</summary>
    Wolff,
}
