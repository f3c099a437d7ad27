using SpinFlow.Lattice;
using SpinFlow.Relaxation;
using SpinFlow.Training;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The γ-term of super-resolution training (paper eq. 12): γ |⟨m⟩_in − ⟨m⟩_ds|, which holds the blocked magnetisation of
/// the generated 2L×2L batch to that of its input ξ while the flow is young. Set <see cref="Gamma"/> and
/// <see cref="InputMagnetization"/> before each step; the step leaves ⟨m⟩_ds and ⟨|m|⟩_ds of its batch here. Not thread-safe.
/// </summary>
public sealed class MagnetizationMatching : ILossPenalty
{
    private double[] _x = [];

    /// <summary>Side of the output lattice (even).</summary>
    public int Size { get; }
    /// <summary>γ of the coming step (0 evaluates ⟨m⟩_ds alone, with a zero gradient).</summary>
    public double Gamma { get; set; }
    /// <summary>⟨m⟩_in of the coming step's input batch.</summary>
    public double InputMagnetization { get; set; }
    /// <summary>⟨m⟩_ds of the last evaluated batch.</summary>
    public double BlockedMagnetization { get; private set; } = double.NaN;
    /// <summary>⟨|m|⟩_ds of the last evaluated batch.</summary>
    public double AbsBlockedMagnetization { get; private set; } = double.NaN;

    /// <inheritdoc/>
    public string Name => "γ-term";

    /// <summary>The term on the <paramref name="size"/>×<paramref name="size"/> output lattice.</summary>
    public MagnetizationMatching(int size)
    {
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"the blocked magnetisation needs an even lattice size, got {size}", nameof(size));
        Size = size;
    }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<float> x, Span<double> gradient)
    {
        if (_x.Length != x.Length) _x = new double[x.Length];
        for (int i = 0; i < x.Length; i++) _x[i] = x[i];
        double term = Evaluate(InputMagnetization, _x, Size, Gamma, out double blocked, out double absBlocked, gradient);
        BlockedMagnetization = blocked;
        AbsBlockedMagnetization = absBlocked;
        return term;
    }

    /// <summary>⟨m⟩ and ⟨|m|⟩ over a batch of ξ with m = mean of tanh ξ over one configuration.</summary>
    public static (double Mean, double MeanAbs) OfInput(ReadOnlySpan<float> xi, int batch)
    {
        // ⟨m⟩ as one running sum over all values in a fixed order, so that a resumed run is bit-identical to an uninterrupted one.
        double all = 0, abs = 0;
        int n = xi.Length / batch;
        for (int s = 0; s < batch; s++)
        {
            double one = 0;
            foreach (float v in xi.Slice(s * n, n))
            {
                double t = Math.Tanh(v);
                all += t;
                one += t;
            }
            abs += Math.Abs(one / n);
        }
        return (all / xi.Length, abs / batch);
    }

    /// <summary>
    /// γ |⟨m⟩_in − ⟨m⟩_ds| for a batch of 2L×2L configurations <paramref name="x"/> and its gradient with respect to x
    /// (overwritten), with ⟨|m|⟩_ds: the batch mean of |expected blocked magnetisation of one sample|. ⟨m⟩_ds is the mean
    /// over samples and blocks (I, J) = sites (2I+a, 2J+b) of the exact expected majority block spin with
    /// p = P(s = +1 | x) = (1 + tanh x)/2. At ⟨m⟩_in = ⟨m⟩_ds the (sub)gradient 0 is used.
    /// </summary>
    public static double Evaluate(double magnetizationIn, ReadOnlySpan<double> x, int size, double gamma,
        out double magnetizationBlocked, out double absMagnetizationBlocked, Span<double> gradient)
    {
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"the output lattice must have an even size, got {size}", nameof(size));
        int n = size * size;
        if (x.Length == 0 || x.Length % n != 0) throw new ArgumentException($"x length {x.Length} is not a positive multiple of L² = {n}", nameof(x));
        if (gradient.Length != x.Length) throw new ArgumentException("gradient must have the length of x", nameof(gradient));
        int batch = x.Length / n, half = size / 2;
        double norm = 1.0 / ((double)batch * half * half);
        Span<double> p = stackalloc double[4];
        Span<double> g = stackalloc double[4];
        Span<int> idx = stackalloc int[4];
        double sum = 0, sumAbs = 0;
        for (int s = 0; s < batch; s++)
        {
            // A separate per-sample sum, so that the batch sum keeps its summation order.
            double one = 0;
            for (int bi = 0; bi < half; bi++)
                for (int bj = 0; bj < half; bj++)
                {
                    for (int k = 0; k < 4; k++)
                    {
                        idx[k] = s * n + (2 * bi + (k >> 1)) * size + 2 * bj + (k & 1);
                        p[k] = RelaxedMath.SpinUpProbability(x[idx[k]]);
                    }
                    double spin = MajorityRule.ExpectedBlockSpin(p, g);
                    sum += spin;
                    one += spin;
                    // ∂p/∂x = (1 − tanh²x)/2 = 2p(1 − p); the scale γ·sign(…)·norm is applied below.
                    for (int k = 0; k < 4; k++) gradient[idx[k]] = g[k] * 2 * p[k] * (1 - p[k]);
                }
            sumAbs += Math.Abs(one);
        }
        magnetizationBlocked = sum * norm;
        absMagnetizationBlocked = sumAbs * norm;
        double diff = magnetizationBlocked - magnetizationIn;
        // Not Math.Sign: it throws on NaN, and a NaN must reach the caller's divergence check instead.
        double scale = gamma * (diff > 0 ? 1 : diff < 0 ? -1 : 0) * norm;
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= scale;
        return gamma * Math.Abs(diff);
    }
}
