using System.Numerics.Tensors;
using SpinFlow.Numerics;

namespace SpinFlow.Hmc;

/// <summary>
/// An m×m periodic grid of coordinates (row-major list of their indices) with a real multiplier per wave vector (natural
/// FFT order, index k_y·m + k_x), even under q → −q: on these coordinates x = F⁻¹ diag(M) F u, a symmetric linear map.
/// </summary>
public sealed record FourierScale(int[] Coordinates, int Size, double[] Multiplier);

/// <summary>
/// A target in scaled coordinates u with x = S u, S symmetric and fixed: U_S(u) = U(S u), ∇U_S(u) = S ∇U(S u). HMC with unit
/// mass on u is HMC on x with the mass M = S⁻². S is diagonal (x_i = s_i u_i) except on <see cref="FourierScale"/> grids,
/// where it is diagonal in Fourier space: a stiff coordinate or wave vector (curvature κ) gets s ≈ 1/√κ and no longer sets
/// the step size of the rest, and a soft collective mode (a grid's q ≈ 0) can get a larger step than its sites' stiffness allows.
/// </summary>
/// <remarks>
/// The map is linear with a constant Jacobian, so sampling u under e^{−U_S} is sampling x under e^{−U} exactly. The
/// scales are shared by every chain of a batch. Changing them moves the chains' u (not their x): re-set the positions
/// with <see cref="ToScaled"/> afterwards. Not thread-safe: buffers are reused between calls.
/// </remarks>
public sealed class ScaledTarget : IDifferentiableTarget
{
    private readonly double[] _scale;
    private FourierScale[] _grids = [];
    private FourierTransform2D[] _plans = [];
    private double[][] _re = [], _im = [];
    private double[] _x = [];

    /// <summary>The target in the original coordinates x.</summary>
    public IDifferentiableTarget Inner { get; }

    /// <inheritdoc/>
    public int Dimension => Inner.Dimension;

    /// <summary>The diagonal scale s of every coordinate (length d); coordinates on a Fourier grid ignore it.</summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>The Fourier grids (empty: S is diagonal).</summary>
    public IReadOnlyList<FourierScale> Grids => _grids;

    /// <summary>Wraps <paramref name="inner"/> with every scale 1 (u = x).</summary>
    public ScaledTarget(IDifferentiableTarget inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        Inner = inner;
        _scale = new double[inner.Dimension];
        Array.Fill(_scale, 1.0);
    }

    /// <summary>Sets the diagonal scales (length d, each positive and finite).</summary>
    public void SetScale(ReadOnlySpan<double> scale)
    {
        if (scale.Length != _scale.Length) throw new ArgumentException($"need {_scale.Length} scales, got {scale.Length}", nameof(scale));
        foreach (double s in scale)
            if (!(s > 0) || !double.IsFinite(s)) throw new ArgumentOutOfRangeException(nameof(scale), s, "scales must be positive and finite");
        scale.CopyTo(_scale);
    }

    /// <summary>
    /// Sets the Fourier grids (disjoint, m a power of two, multipliers positive, finite and even under q → −q); their
    /// coordinates then ignore the diagonal scale. An empty list makes S diagonal again.
    /// </summary>
    public void SetFourierScales(IReadOnlyList<FourierScale> grids)
    {
        ArgumentNullException.ThrowIfNull(grids);
        var used = new bool[Dimension];
        foreach (var g in grids)
        {
            int m = g.Size;
            if (m < 1 || (m & (m - 1)) != 0) throw new ArgumentException($"a Fourier grid needs a power-of-two side, got {m}", nameof(grids));
            if (g.Coordinates.Length != m * m || g.Multiplier.Length != m * m) throw new ArgumentException($"a {m}×{m} Fourier grid needs {m * m} coordinates and multipliers", nameof(grids));
            foreach (int i in g.Coordinates)
            {
                if ((uint)i >= (uint)Dimension) throw new ArgumentOutOfRangeException(nameof(grids), i, $"coordinate outside 0…{Dimension - 1}");
                if (used[i]) throw new ArgumentException($"coordinate {i} lies on two Fourier grids", nameof(grids));
                used[i] = true;
            }
            for (int ky = 0; ky < m; ky++)
                for (int kx = 0; kx < m; kx++)
                {
                    double v = g.Multiplier[ky * m + kx];
                    if (!(v > 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(nameof(grids), v, "Fourier multipliers must be positive and finite");
                    if (v != g.Multiplier[(m - ky) % m * m + (m - kx) % m]) throw new ArgumentException("Fourier multipliers must be even under q → −q (S must be real and symmetric)", nameof(grids));
                }
        }
        _grids = [.. grids];
        _plans = [.. _grids.Select(g => new FourierTransform2D(g.Size))];
        _re = [.. _grids.Select(g => new double[g.Size * g.Size])];
        _im = [.. _grids.Select(g => new double[g.Size * g.Size])];
    }

    /// <summary>x = S u for a batch (batch × d).</summary>
    public void ToOriginal(ReadOnlySpan<double> u, Span<double> x) => Apply(u, x, multiply: true);

    /// <summary>u = S⁻¹ x for a batch (batch × d).</summary>
    public void ToScaled(ReadOnlySpan<double> x, Span<double> u) => Apply(x, u, multiply: false);

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<double> u, Span<double> energy, Span<double> gradient)
    {
        if (_x.Length != u.Length) _x = new double[u.Length];
        ToOriginal(u, _x);
        Inner.EnergyAndGradient(_x, energy, gradient);
        if (gradient.IsEmpty) return;
        // S is symmetric, so ∇_u = Sᵀ ∇_x = S ∇_x.
        Apply(gradient, gradient, multiply: true);
    }

    private void Apply(ReadOnlySpan<double> from, Span<double> to, bool multiply)
    {
        int d = Dimension;
        if (from.Length % d != 0 || to.Length != from.Length)
            throw new ArgumentException($"batch length {from.Length} is not a multiple of the dimension {d}, or the output has another length");
        for (int b = 0; b < from.Length / d; b++)
        {
            var source = from.Slice(b * d, d);
            var target = to.Slice(b * d, d);
            // Every grid is read before the diagonal pass writes: from and to may be the same memory.
            for (int k = 0; k < _grids.Length; k++)
            {
                var g = _grids[k];
                var re = _re[k];
                var im = _im[k];
                for (int j = 0; j < re.Length; j++) re[j] = source[g.Coordinates[j]];
                Array.Clear(im);
                _plans[k].Forward(re, im);
                if (multiply)
                {
                    TensorPrimitives.Multiply(re, g.Multiplier, re);
                    TensorPrimitives.Multiply(im, g.Multiplier, im);
                }
                else
                {
                    TensorPrimitives.Divide(re, g.Multiplier, re);
                    TensorPrimitives.Divide(im, g.Multiplier, im);
                }
                _plans[k].Inverse(re, im);
            }
            if (multiply) TensorPrimitives.Multiply(source, _scale, target);
            else TensorPrimitives.Divide(source, _scale, target);
            for (int k = 0; k < _grids.Length; k++)
            {
                var coordinates = _grids[k].Coordinates;
                var re = _re[k];
                for (int j = 0; j < re.Length; j++) target[coordinates[j]] = re[j];
            }
        }
    }
}
