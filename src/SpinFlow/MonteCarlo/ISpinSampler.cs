namespace SpinFlow.MonteCarlo;

/// <summary>A Markov chain on ±1 spin configurations of a periodic L×L lattice that leaves exp(−H/T) invariant.</summary>
public interface ISpinSampler : ISweepSampler
{
    /// <summary>Linear size L.</summary>
    int Size { get; }

    /// <summary>Temperature T.</summary>
    double Temperature { get; }

    /// <summary>Current configuration, row-major, ±1.</summary>
    ReadOnlySpan<sbyte> Spins { get; }


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
