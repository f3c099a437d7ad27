using System.Numerics.Tensors;

namespace SpinFlow.Hmc;

/// <summary>
/// A target in scaled coordinates u with x = s ⊙ u: U_s(u) = U(s ⊙ u), ∇U_s(u) = s ⊙ ∇U(s ⊙ u). HMC with unit mass on u
/// is HMC on x with the diagonal mass M = diag(1/s²): a coordinate with scale s moves s times as far per step, so a stiff
/// coordinate (curvature κ) gets s ≈ 1/√κ and no longer sets the step size of the rest.
/// </summary>
/// <remarks>
/// The map is linear with a constant Jacobian, so sampling u under e^{−U_s} is sampling x under e^{−U} exactly. The
/// scales are shared by every chain of a batch. Changing them moves the chains' u (not their x): re-set the positions
/// with <see cref="ToScaled"/> afterwards. Not thread-safe: buffers are reused between calls.
/// </remarks>
public sealed class ScaledTarget : IDifferentiableTarget
{
    private readonly double[] _scale;
    private double[] _x = [];

    /// <summary>The target in the original coordinates x.</summary>
    public IDifferentiableTarget Inner { get; }

    /// <inheritdoc/>
    public int Dimension => Inner.Dimension;

    /// <summary>The scale s of every coordinate (length d).</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>Wraps <paramref name="inner"/> with every scale 1 (u = x).</summary>
    public ScaledTarget(IDifferentiableTarget inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _scale = new double[inner.Dimension];
        Array.Fill(_scale, 1.0);
    }

    /// <summary>Sets the scales (length d, each positive and finite).</summary>
    public void SetScale(ReadOnlySpan<double> scale)
    {
        if (scale.Length != _scale.Length) throw new ArgumentException($"need {_scale.Length} scales, got {scale.Length}", nameof(scale));
        foreach (double s in scale)
            if (!(s > 0) || !double.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(scale), s, "scales must be positive and finite");
        scale.CopyTo(_scale);
    }

    /// <summary>x = s ⊙ u for a batch (batch × d).</summary>
    public void ToOriginal(ReadOnlySpan<double> u, Span<double> x) => Apply(u, x, multiply: true);

    /// <summary>u = x / s for a batch (batch × d).</summary>
    public void ToScaled(ReadOnlySpan<double> x, Span<double> u) => Apply(x, u, multiply: false);

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<double> u, Span<double> energy, Span<double> gradient)
    {
        if (_x.Length != u.Length) _x = new double[u.Length];
        ToOriginal(u, _x);
        Inner.EnergyAndGradient(_x, energy, gradient);
        if (gradient.IsEmpty) return;
        int d = Dimension;
        for (int b = 0; b < u.Length / d; b++)
        {
            var g = gradient.Slice(b * d, d);
            TensorPrimitives.Multiply(g, _scale, g);
        }
    }

    private void Apply(ReadOnlySpan<double> from, Span<double> to, bool multiply)
    {
        int d = Dimension;
        if (from.Length % d != 0 || to.Length != from.Length)
            throw new ArgumentException($"batch length {from.Length} is not a multiple of the dimension {d}, or the output has another length");
        for (int b = 0; b < from.Length / d; b++)
        {
            if (multiply) TensorPrimitives.Multiply(from.Slice(b * d, d), _scale, to.Slice(b * d, d));
            else TensorPrimitives.Divide(from.Slice(b * d, d), _scale, to.Slice(b * d, d));
        }
    }
}
