namespace SpinFlow.SuperResolution;

/// <summary>The proposal kernels of flow Metropolis; each leaves π_ξ(ξ)·p_g(g) invariant and reversible.</summary>
public enum FlowMetropolisMove
{
    /// <summary>ξ → s | ξ → one Swendsen–Wang sweep → ξ′ | s′, every noise g′ drawn fresh (a global, independence-like move).</summary>
    Cluster = 0,
    /// <summary>ξ kept, g′ = ρ g + √(1−ρ²) η with η ~ N(0, I) (preconditioned Crank–Nicolson on the noises).</summary>
    Noise = 1,
    /// <summary>s ~ s | ξ, then ξ′ = K′s + ρ (ξ − K′s) + √(1−ρ²) ζ with ζ ~ N(0, K′); g kept (pCN within the Gaussian ξ | s).</summary>
    Input = 2,
}

/// <summary>
/// How flow Metropolis mixes its proposal kernels: each step and chain picks one kernel with fixed probabilities,
/// independent of the state; validated on construction. The default (cluster moves only) is the all-fresh sampler, every step proposing ξ and all noises anew.
/// </summary>
public sealed record FlowMetropolisMoves
{
    /// <summary>Probability of the Swendsen–Wang input move with fresh noises (<see cref="FlowMetropolisMove.Cluster"/>).</summary>
    public double ClusterMoveProbability { get; }

    /// <summary>Probability of the conditional pCN move of ξ at fixed spins (<see cref="FlowMetropolisMove.Input"/>).</summary>
    public double InputMoveProbability { get; }

    /// <summary>Probability of the pCN move of the noises (<see cref="FlowMetropolisMove.Noise"/>): whatever the other two leave.</summary>
    public double NoiseMoveProbability => Math.Max(0, 1 - ClusterMoveProbability - InputMoveProbability);

    /// <summary>
    /// pCN correlation ρ ∈ [0, 1) of both local moves: the kept fraction of the deviation from the mean; the move size
    /// is √(1−ρ²) per unit variance, so ρ → 1 gives small, often accepted moves and ρ = 0 a fresh conditional draw.
    /// </summary>
    public double Correlation { get; }

    /// <summary>Only cluster moves: the all-fresh flow Metropolis sampler.</summary>
    public static FlowMetropolisMoves ClusterOnly { get; } = new(1.0, 0.0, 0.9);

    /// <summary>Validates and stores the mixture; bad values throw <see cref="ArgumentOutOfRangeException"/> with a one-line message.</summary>
    public FlowMetropolisMoves(double clusterMoveProbability, double inputMoveProbability, double correlation)
    {
        if (!(clusterMoveProbability >= 0 && clusterMoveProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(clusterMoveProbability), clusterMoveProbability, "cluster-move probability must lie in [0, 1]");
        if (!(inputMoveProbability >= 0 && inputMoveProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(inputMoveProbability), inputMoveProbability, "input-move probability must lie in [0, 1]");
        // A small tolerance so that e.g. 0.1 + 0.9 is accepted despite rounding.
        if (clusterMoveProbability + inputMoveProbability > 1 + 1e-12)
            throw new ArgumentOutOfRangeException(nameof(inputMoveProbability), inputMoveProbability,
                $"cluster- and input-move probabilities add up to {clusterMoveProbability + inputMoveProbability:G6} > 1");
        if (!(correlation >= 0 && correlation < 1))
            throw new ArgumentOutOfRangeException(nameof(correlation), correlation, "pCN correlation ρ must lie in [0, 1)");
        ClusterMoveProbability = clusterMoveProbability;
        InputMoveProbability = inputMoveProbability;
        Correlation = correlation;
    }

    /// <summary>The kernel's name in <see cref="FlowSamplerResult.MoveAcceptances"/> and the reports.</summary>
    public static string Name(FlowMetropolisMove move) => move switch
    {
        FlowMetropolisMove.Cluster => "cluster",
        FlowMetropolisMove.Input => "input-pcn",
        FlowMetropolisMove.Noise => "noise-pcn",
        _ => throw new ArgumentOutOfRangeException(nameof(move), move, "unknown flow Metropolis move"),
    };

    /// <summary>The kernel for a uniform draw <paramref name="u"/> ∈ [0, 1).</summary>
    internal FlowMetropolisMove Pick(double u) =>
        u < ClusterMoveProbability ? FlowMetropolisMove.Cluster
        : u < ClusterMoveProbability + InputMoveProbability ? FlowMetropolisMove.Input
        : FlowMetropolisMove.Noise;
}
