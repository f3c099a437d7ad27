using SpinFlow.Lattice;

namespace SpinFlow.Relaxation;

/// <summary>
/// The block spin of a 2×2 block of a relaxed clock or XY configuration as a smooth function of x, with its derivatives:
/// what the γ term of training holds to the input's magnetisation. Clock models with Q ≤ <see cref="MaxEnumeratedStates"/>:
/// the exact expectation E[B | x] of the model's <see cref="BlockSpin"/> (ties averaged) over the Q⁴ spin patterns of the
/// block, the spins independent with P(k) ∝ exp(x_i·e_k) (for clock:2 this is the Ising majority-rule expectation).
/// XY and larger Q: the block spin of the mean spins, the direction of Σ E[s_i | x] (E[B | x] has no closed form there;
/// the direction of the summed means is its smooth stand-in, and equals it as the spins order).
/// </summary>
/// <remarks>
/// A block is eight values: the four sites (2I, 2J), (2I, 2J+1), (2I+1, 2J), (2I+1, 2J+1), each (x_i1, x_i2). Thread-safe.
/// </remarks>
public sealed class RelaxedBlockSpin
{
    /// <summary>Largest Q whose block expectation is enumerated (Q⁴ = 4096 patterns).</summary>
    public const int MaxEnumeratedStates = 8;

    private readonly double[] _cos = [], _sin = [];
    private readonly double[] _tableX = [], _tableY = [];
    private readonly int _q;

    /// <summary>The block spin of relaxed <paramref name="model"/> (clock:Q or xy).</summary>
    public RelaxedBlockSpin(SpinModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is IsingModel) throw new ArgumentException("the Ising γ term uses MajorityRule.ExpectedBlockSpin", nameof(model));
        Model = model;
        if (model is ClockModel clock)
        {
            _cos = clock.CosTable();
            _sin = clock.SinTable();
            if (clock.States <= MaxEnumeratedStates)
            {
                _q = clock.States;
                var block = new ClockBlockSpin(clock);
                int patterns = _q * _q * _q * _q;
                _tableX = new double[patterns];
                _tableY = new double[patterns];
                for (int p = 0; p < patterns; p++)
                {
                    int a = p / (_q * _q * _q), b = p / (_q * _q) % _q, c = p / _q % _q, d = p % _q;
                    (_tableX[p], _tableY[p]) = block.ExpectedOfSum(_cos[a] + _cos[b] + _cos[c] + _cos[d], _sin[a] + _sin[b] + _sin[c] + _sin[d]);
                }
            }
        }
    }

    /// <summary>The spin model.</summary>
    public SpinModel Model { get; }

    /// <summary>Whether <see cref="Expected"/> is the exact E[B | x] (clock, Q ≤ <see cref="MaxEnumeratedStates"/>) rather than the block spin of the mean spins.</summary>
    public bool IsExact => _q > 0;

    /// <summary>E[s | x] of one site: ∇ ln w(x), the mean clock vector under P(k) ∝ exp(x·e_k), or I₁(r)/I₀(r)·x/r for XY.</summary>
    public (double X, double Y) MeanSpin(double x1, double x2)
    {
        if (_cos.Length == 0)
        {
            double r = Math.Sqrt(x1 * x1 + x2 * x2);
            BesselMath.LnI0AndRatioOverArgument(r, out double a);
            return (a * x1, a * x2);
        }
        double max = double.NegativeInfinity;
        for (int k = 0; k < _cos.Length; k++) max = Math.Max(max, x1 * _cos[k] + x2 * _sin[k]);
        double z = 0, m1 = 0, m2 = 0;
        for (int k = 0; k < _cos.Length; k++)
        {
            double p = Math.Exp(x1 * _cos[k] + x2 * _sin[k] - max);
            z += p;
            m1 += p * _cos[k];
            m2 += p * _sin[k];
        }
        return (m1 / z, m2 / z);
    }

    /// <summary>
    /// The block value B(x) of one block (<paramref name="x"/>: eight values) and its gradients: ∂B_x/∂x into
    /// <paramref name="gradientX"/>, ∂B_y/∂x into <paramref name="gradientY"/> (eight each).
    /// </summary>
    public (double X, double Y) Expected(ReadOnlySpan<double> x, Span<double> gradientX, Span<double> gradientY)
    {
        if (x.Length != 8 || gradientX.Length != 8 || gradientY.Length != 8) throw new ArgumentException("a block is four sites of two components");
        return IsExact ? Enumerated(x, gradientX, gradientY) : OfMeanSpins(x, gradientX, gradientY);
    }

    // E[B | x] = Σ_patterns Π_k p_k(a_k) B(a); multilinear in the p_k, so ∂/∂p_k(a) sums the patterns with a_k = a
    // weighted by the other three factors, and ∂p_k(a)/∂x_k = p_k(a)(e_a − μ_k).
    private (double X, double Y) Enumerated(ReadOnlySpan<double> x, Span<double> gradientX, Span<double> gradientY)
    {
        int q = _q;
        Span<double> p = stackalloc double[4 * MaxEnumeratedStates];
        Span<double> dX = stackalloc double[4 * MaxEnumeratedStates];
        Span<double> dY = stackalloc double[4 * MaxEnumeratedStates];
        dX.Clear();
        dY.Clear();
        Span<double> mu = stackalloc double[8];
        for (int k = 0; k < 4; k++)
        {
            double x1 = x[2 * k], x2 = x[2 * k + 1], max = double.NegativeInfinity, z = 0;
            for (int a = 0; a < q; a++) max = Math.Max(max, x1 * _cos[a] + x2 * _sin[a]);
            for (int a = 0; a < q; a++) z += p[k * q + a] = Math.Exp(x1 * _cos[a] + x2 * _sin[a] - max);
            double m1 = 0, m2 = 0;
            for (int a = 0; a < q; a++)
            {
                p[k * q + a] /= z;
                m1 += p[k * q + a] * _cos[a];
                m2 += p[k * q + a] * _sin[a];
            }
            mu[2 * k] = m1;
            mu[2 * k + 1] = m2;
        }
        double ex = 0, ey = 0;
        int at = 0;
        for (int a0 = 0; a0 < q; a0++)
            for (int a1 = 0; a1 < q; a1++)
            {
                double p0 = p[a0], p1 = p[q + a1], p01 = p0 * p1;
                for (int a2 = 0; a2 < q; a2++)
                    for (int a3 = 0; a3 < q; a3++, at++)
                    {
                        double p2 = p[2 * q + a2], p3 = p[3 * q + a3], p23 = p2 * p3;
                        double bx = _tableX[at], by = _tableY[at];
                        double w = p01 * p23;
                        ex += w * bx;
                        ey += w * by;
                        double w0 = p1 * p23, w1 = p0 * p23, w2 = p01 * p3, w3 = p01 * p2;
                        dX[a0] += w0 * bx; dY[a0] += w0 * by;
                        dX[q + a1] += w1 * bx; dY[q + a1] += w1 * by;
                        dX[2 * q + a2] += w2 * bx; dY[2 * q + a2] += w2 * by;
                        dX[3 * q + a3] += w3 * bx; dY[3 * q + a3] += w3 * by;
                    }
            }
        for (int k = 0; k < 4; k++)
        {
            double gx1 = 0, gx2 = 0, gy1 = 0, gy2 = 0;
            for (int a = 0; a < q; a++)
            {
                double pa = p[k * q + a], c = _cos[a] - mu[2 * k], s = _sin[a] - mu[2 * k + 1];
                gx1 += dX[k * q + a] * pa * c;
                gx2 += dX[k * q + a] * pa * s;
                gy1 += dY[k * q + a] * pa * c;
                gy2 += dY[k * q + a] * pa * s;
            }
            gradientX[2 * k] = gx1;
            gradientX[2 * k + 1] = gx2;
            gradientY[2 * k] = gy1;
            gradientY[2 * k + 1] = gy2;
        }
        return (ex, ey);
    }

    // u = S/|S| with S = Σ μ_k: ∂u/∂S = (I − uuᵀ)/|S|, and ∂μ_k/∂x_k = J_k, symmetric (below).
    private (double X, double Y) OfMeanSpins(ReadOnlySpan<double> x, Span<double> gradientX, Span<double> gradientY)
    {
        double sx = 0, sy = 0;
        for (int k = 0; k < 4; k++)
        {
            var (m1, m2) = MeanSpin(x[2 * k], x[2 * k + 1]);
            sx += m1;
            sy += m2;
        }
        double norm = Math.Sqrt(sx * sx + sy * sy);
        if (!(norm > 0))
        {
            gradientX.Clear();
            gradientY.Clear();
            return (0, 0);
        }
        double ux = sx / norm, uy = sy / norm;
        // Rows of (I − uuᵀ)/|S| for the outputs x and y.
        double pxx = (1 - ux * ux) / norm, pxy = -ux * uy / norm, pyy = (1 - uy * uy) / norm;
        for (int k = 0; k < 4; k++)
        {
            double x1 = x[2 * k], x2 = x[2 * k + 1];
            var (j11, j12, j22) = MeanSpinJacobian(x1, x2);
            gradientX[2 * k] = j11 * pxx + j12 * pxy;
            gradientX[2 * k + 1] = j12 * pxx + j22 * pxy;
            gradientY[2 * k] = j11 * pxy + j12 * pyy;
            gradientY[2 * k + 1] = j12 * pxy + j22 * pyy;
        }
        return (ux, uy);
    }

    /// <summary>∂E[s | x]/∂x of one site (symmetric: the covariance of s given x), as (J₁₁, J₁₂, J₂₂).</summary>
    public (double J11, double J12, double J22) MeanSpinJacobian(double x1, double x2)
    {
        if (_cos.Length == 0)
        {
            // XY: μ = A(r) x/r with A = I₁/I₀; J = (A/r) I + (A′ − A/r) x xᵀ/r², A′ = 1 − A/r − A².
            double r2 = x1 * x1 + x2 * x2, r = Math.Sqrt(r2);
            BesselMath.LnI0AndRatioOverArgument(r, out double a);
            // (A′ − A/r)/r² = (1 − 2a − a²r²)/r², which tends to −1/8 as r → 0 where the difference loses its digits.
            double c = r < 1e-3 ? -0.125 : (1 - 2 * a - a * a * r2) / r2;
            return (a + c * x1 * x1, c * x1 * x2, a + c * x2 * x2);
        }
        // Clock: Cov(s | x) = Σ p_k e_k e_kᵀ − μ μᵀ.
        double max = double.NegativeInfinity;
        for (int k = 0; k < _cos.Length; k++) max = Math.Max(max, x1 * _cos[k] + x2 * _sin[k]);
        double z = 0, m1 = 0, m2 = 0, s11 = 0, s12 = 0, s22 = 0;
        for (int k = 0; k < _cos.Length; k++)
        {
            double p = Math.Exp(x1 * _cos[k] + x2 * _sin[k] - max);
            z += p;
            m1 += p * _cos[k];
            m2 += p * _sin[k];
            s11 += p * _cos[k] * _cos[k];
            s12 += p * _cos[k] * _sin[k];
            s22 += p * _sin[k] * _sin[k];
        }
        m1 /= z;
        m2 /= z;
        return (s11 / z - m1 * m1, s12 / z - m1 * m2, s22 / z - m2 * m2);
    }
}
