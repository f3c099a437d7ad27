using System.Buffers;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;
using SpinFlow.Training;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The γ-term of super-resolution training (paper eq. 12): γ |⟨m⟩_in − ⟨m⟩_ds|, which holds the blocked magnetisation of
/// the generated 2L×2L batch to that of its input ξ while the flow is young. Set <see cref="Gamma"/> and
/// <see cref="InputMagnetization"/> before each step; the step leaves ⟨m⟩_ds and ⟨|m|⟩_ds of its batch here. Not thread-safe.
/// For clock and XY the magnetisations are 2-vectors (<see cref="InputMagnetizationVector"/>, <see cref="BlockedMagnetizationVector"/>),
/// the block spin is the model's (<see cref="RelaxedBlockSpin"/>) and the term is γ ‖⟨m⟩_in − ⟨m⟩_ds‖.
/// </summary>
public sealed class MagnetizationMatching : ILossPenalty
{
    private double[] _x = [];
    private readonly RelaxedBlockSpin? _angle;

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
    /// <summary>The spin model of the output lattice.</summary>
    public SpinModel Model { get; }
    /// <summary>Clock and XY: ⟨m⟩_in of the coming step's input batch (see <see cref="OfInput(RelaxedBlockSpin, ReadOnlySpan{float}, int)"/>).</summary>
    public (double X, double Y) InputMagnetizationVector { get; set; }
    /// <summary>Clock and XY: ⟨m⟩_ds of the last evaluated batch.</summary>
    public (double X, double Y) BlockedMagnetizationVector { get; private set; } = (double.NaN, double.NaN);

    /// <inheritdoc/>
    public string Name => "γ-term";

    /// <summary>The term on the <paramref name="size"/>×<paramref name="size"/> output lattice of the Ising model.</summary>
    public MagnetizationMatching(int size) : this(size, SpinModel.Ising) { }

    /// <summary>The term on the <paramref name="size"/>×<paramref name="size"/> output lattice of <paramref name="model"/> (one value per site for Ising, two for clock and XY).</summary>
    public MagnetizationMatching(int size, SpinModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"the blocked magnetisation needs an even lattice size, got {size}", nameof(size));
        Size = size;
        Model = model;
        if (model is not IsingModel) _angle = new RelaxedBlockSpin(model);
    }

    /// <inheritdoc/>
    public double Evaluate(ReadOnlySpan<float> x, Span<double> gradient)
    {
        if (_x.Length != x.Length) _x = new double[x.Length];
        for (int i = 0; i < x.Length; i++) _x[i] = x[i];
        if (_angle is not null)
        {
            double value = Evaluate(_angle, InputMagnetizationVector, _x, Size, Gamma, out var vector, out double abs, gradient);
            BlockedMagnetizationVector = vector;
            AbsBlockedMagnetization = abs;
            return value;
        }
        double term = Evaluate(InputMagnetization, _x, Size, Gamma, out double blocked, out double absBlocked, gradient);
        BlockedMagnetization = blocked;
        AbsBlockedMagnetization = absBlocked;
        return term;
    }

    /// <summary>Clock and XY: ⟨m⟩ (2-vector) and ⟨|m|⟩ over a batch of ξ (batch × 2N, interleaved) with m = mean of E[s | ξ] over one configuration.</summary>
    public static ((double X, double Y) Mean, double MeanAbs) OfInput(RelaxedBlockSpin block, ReadOnlySpan<float> xi, int batch)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (batch < 1 || xi.Length == 0 || xi.Length % (2 * batch) != 0) throw new ArgumentException($"ξ length {xi.Length} is not {batch} configurations of pairs", nameof(xi));
        int n = xi.Length / batch;
        double allX = 0, allY = 0, abs = 0;
        for (int s = 0; s < batch; s++)
        {
            double oneX = 0, oneY = 0;
            var one = xi.Slice(s * n, n);
            for (int i = 0; i < n; i += 2)
            {
                var (m1, m2) = block.MeanSpin(one[i], one[i + 1]);
                oneX += m1;
                oneY += m2;
            }
            allX += oneX;
            allY += oneY;
            abs += Math.Sqrt(oneX * oneX + oneY * oneY) / (n / 2);
        }
        double sites = xi.Length / 2;
        return ((allX / sites, allY / sites), abs / batch);
    }

    /// <summary>
    /// Clock and XY: γ ‖⟨m⟩_in − ⟨m⟩_ds‖ for a batch of L×L configurations <paramref name="x"/> (batch × 2N, value (b, row,
    /// col, c) at ((b·L + row)·L + col)·2 + c) and its gradient with respect to x (overwritten), with ⟨|m|⟩_ds. ⟨m⟩_ds is
    /// the mean over samples and blocks of the model's block value given x (<see cref="RelaxedBlockSpin.Expected"/>).
    /// At ⟨m⟩_in = ⟨m⟩_ds the (sub)gradient 0 is used.
    /// </summary>
    public static double Evaluate(RelaxedBlockSpin block, (double X, double Y) magnetizationIn, ReadOnlySpan<double> x, int size, double gamma,
        out (double X, double Y) magnetizationBlocked, out double absMagnetizationBlocked, Span<double> gradient)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"the output lattice must have an even size, got {size}", nameof(size));
        int n = 2 * size * size;
        if (x.Length == 0 || x.Length % n != 0) throw new ArgumentException($"x length {x.Length} is not a positive multiple of 2L² = {n}", nameof(x));
        if (gradient.Length != x.Length) throw new ArgumentException("gradient must have the length of x", nameof(gradient));
        int batch = x.Length / n, half = size / 2;
        double norm = 1.0 / ((double)batch * half * half);
        // ∂B_x/∂x goes to gradient, ∂B_y/∂x to a pooled buffer; they are combined once ⟨m⟩_ds fixes the direction of the loss.
        double[] rented = ArrayPool<double>.Shared.Rent(x.Length);
        try
        {
            var gradY = rented.AsSpan(0, x.Length);
            Span<double> values = stackalloc double[8];
            Span<double> gx = stackalloc double[8];
            Span<double> gy = stackalloc double[8];
            Span<int> idx = stackalloc int[4];
            double sumX = 0, sumY = 0, sumAbs = 0;
            for (int s = 0; s < batch; s++)
            {
                double oneX = 0, oneY = 0;
                for (int bi = 0; bi < half; bi++)
                    for (int bj = 0; bj < half; bj++)
                    {
                        for (int k = 0; k < 4; k++)
                        {
                            idx[k] = s * n + 2 * ((2 * bi + (k >> 1)) * size + 2 * bj + (k & 1));
                            values[2 * k] = x[idx[k]];
                            values[2 * k + 1] = x[idx[k] + 1];
                        }
                        var (bx, by) = block.Expected(values, gx, gy);
                        oneX += bx;
                        oneY += by;
                        for (int k = 0; k < 4; k++)
                        {
                            gradient[idx[k]] = gx[2 * k];
                            gradient[idx[k] + 1] = gx[2 * k + 1];
                            gradY[idx[k]] = gy[2 * k];
                            gradY[idx[k] + 1] = gy[2 * k + 1];
                        }
                    }
                sumX += oneX;
                sumY += oneY;
                sumAbs += Math.Sqrt(oneX * oneX + oneY * oneY);
            }
            magnetizationBlocked = (sumX * norm, sumY * norm);
            absMagnetizationBlocked = sumAbs * norm;
            double dx = magnetizationBlocked.X - magnetizationIn.X, dy = magnetizationBlocked.Y - magnetizationIn.Y;
            double distance = Math.Sqrt(dx * dx + dy * dy);
            // A NaN distance must reach the caller's divergence check, so it is not caught by the zero test.
            double vx = distance == 0 ? 0 : gamma * norm * dx / distance, vy = distance == 0 ? 0 : gamma * norm * dy / distance;
            for (int i = 0; i < gradient.Length; i++) gradient[i] = vx * gradient[i] + vy * gradY[i];
            return gamma * distance;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
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
