namespace SpinFlow.Hmc;

/// <summary>A potential U(x) on R^d with its gradient, evaluated for a batch of points at once (one per row).</summary>
public interface IDifferentiableTarget
{
    /// <summary>Dimension d of one point.</summary>
    int Dimension { get; }

    /// <summary>
    /// For a batch of points <paramref name="x"/> (batch × d, row-major) writes U(x_b) to
    /// <paramref name="energy"/> (length batch) and ∇U(x_b) to <paramref name="gradient"/> (batch × d).
    /// Implementations must be deterministic and may run in parallel over the batch.
    /// </summary>
    void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient);
}
