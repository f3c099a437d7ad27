using System.Buffers;
using System.Numerics.Tensors;
using SpinFlow.Hmc;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>
/// Continuous relaxation of the clock:Q or XY model on the periodic L×L lattice at temperature T (DESIGN.md §11):
/// two real components per site, E(x) = ½ Σ_a x_aᵀK'⁻¹x_a − Σ_i ln w(x_i) with K' = A/T + c·I per component,
/// w(x) = I₀(|x|) (XY, θ with the uniform measure dθ/2π) or Σ_k exp(x·e_k) (clock, e_k the Q clock directions);
/// the exact conditionals x | s and s | x, and the exact normaliser where ln Z of the spin model is known.
/// </summary>
/// <remarks>
/// A configuration is N pairs (x_i1, x_i2), site-major (the [L, L, 2] layout of the files); batches put
/// configurations back to back (batch × 2N). Both components go through one complex FFT of the
/// <see cref="RelaxedIsing"/> of the same L, T and c, so every K'-operation costs O(N log N) per configuration.
/// Given x the spins are independent and ∇ ln w(x_i) = E[s_i | x], so the gradient is K'⁻¹x − E[s | x].
/// Instances are thread-safe.
/// </remarks>
public sealed class RelaxedAngleModel : IRelaxedModel
{
    private readonly RelaxedIsing _coupling;
    private readonly double[] _cos = [], _sin = [];
    private const long ParallelThreshold = 1 << 16;

    /// <summary>The spin model relaxed (clock:Q or xy).</summary>
    public SpinModel Model { get; }

    /// <summary>Linear size L (a power of two ≥ 2).</summary>
    public int Size => _coupling.Size;

    /// <summary>Number of sites N = L².</summary>
    public int Sites => _coupling.Sites;

    /// <summary>Values per configuration, 2N.</summary>
    public int Dimension => 2 * Sites;

    /// <summary>Components per site of x (2), the channels of the flows that generate it.</summary>
    public int Channels => 2;

    /// <summary>Temperature T.</summary>
    public double Temperature => _coupling.Temperature;

    /// <summary>The shift c in K' = A/T + c·I.</summary>
    public double Shift => _coupling.Shift;

    /// <summary>ln det K' of one component.</summary>
    public double LogDeterminant => _coupling.LogDeterminant;

    /// <summary>Most threads one batched call uses.</summary>
    public int MaxDegreeOfParallelism => _coupling.MaxDegreeOfParallelism;

    /// <summary>
    /// Builds the relaxed <paramref name="model"/> (clock:Q or xy; the Ising model is <see cref="RelaxedIsing"/>).
    /// <paramref name="shift"/> defaults to <see cref="RelaxedIsing.DefaultShift"/> and must make K' positive definite.
    /// </summary>
    public RelaxedAngleModel(SpinModel model, int size, double temperature, double? shift = null, int maxDegreeOfParallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is IsingModel)
            throw new ArgumentException("the relaxed Ising model has one component: use RelaxedIsing (--model ising)", nameof(model));
        Model = model;
        _coupling = new RelaxedIsing(size, temperature, shift, maxDegreeOfParallelism);
        if (model is ClockModel clock)
        {
            _cos = clock.CosTable();
            _sin = clock.SinTable();
        }
    }

    /// <summary>
    /// ln Z_x = ln ∫ e^{−E(x)} dx = ln Z_spin + N c/2 + N ln 2π + ln det K', from <paramref name="lnZSpin"/> of the spin model at
    /// the same L and T (for XY, Z_spin = ∫ Π dθ_i/2π e^{−H/T}).
    /// </summary>
    public double LnNormalizer(double lnZSpin)
    {
        double n = Sites;
        return lnZSpin + n * Shift / 2 + n * Math.Log(2 * Math.PI) + LogDeterminant;
    }

    /// <summary>ln w(x) of one site and E[s | x] = ∇ ln w(x), the mean spin given x.</summary>
    public double LnWeight(double x1, double x2, out double mean1, out double mean2)
    {
        if (_cos.Length == 0)
        {
            double r = Math.Sqrt(x1 * x1 + x2 * x2);
            double lnW = BesselMath.LnI0AndRatioOverArgument(r, out double a);
            mean1 = a * x1;
            mean2 = a * x2;
            return lnW;
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
        mean1 = m1 / z;
        mean2 = m2 / z;
        return max + Math.Log(z);
    }

    /// <summary>E(x) of a single configuration (2N values).</summary>
    public double Energy(ReadOnlySpan<double> x)
    {
        Span<double> e = stackalloc double[1];
        EnergyAndGradient(x, e, Span<double>.Empty);
        return e[0];
    }

    /// <summary>
    /// E(x) and ∇E = K'⁻¹x − E[s | x] for a batch (batch × 2N in, batch energies out, batch × 2N gradients out).
    /// An empty <paramref name="gradient"/> computes energies only. Scratch comes from the shared array pool, so the
    /// serial path allocates nothing once warm.
    /// </summary>
    public unsafe void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient)
    {
        int count = BatchCount(x.Length);
        if (energy.Length != count) throw new ArgumentException($"energy has {energy.Length} entries, expected batch size {count}", nameof(energy));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != x.Length) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {x.Length}", nameof(gradient));
        int n = Sites, length = x.Length;
        double[] rented = ArrayPool<double>.Shared.Rent(length);
        try
        {
            var planes = rented.AsSpan(0, length);
            Deinterleave(x, planes, n);
            _coupling.ApplyInverseCoupling(planes, planes);
            fixed (double* px = x, py = rented, pe = energy, pg = gradient)
            {
                nint ax = (nint)px, ay = (nint)py, ae = (nint)pe, ag = withGradient ? (nint)pg : 0;
                if (count > 1 && (long)count * n >= ParallelThreshold && MaxDegreeOfParallelism > 1)
                    Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism }, b => EnergyOf(b, n, ax, ay, ae, ag));
                else
                    for (int b = 0; b < count; b++) EnergyOf(b, n, ax, ay, ae, ag);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // Configuration b: x at ax, K'⁻¹x as two planes at ay; energy to ae[b], gradient (when ag ≠ 0) to ag.
    private unsafe void EnergyOf(int b, int n, nint ax, nint ay, nint ae, nint ag)
    {
        double* xb = (double*)ax + (long)b * 2 * n;
        double* y1 = (double*)ay + (long)b * 2 * n;
        double* y2 = y1 + n;
        double* gb = ag == 0 ? null : (double*)ag + (long)b * 2 * n;
        double quadratic = 0, lnW = 0;
        for (int i = 0; i < n; i++)
        {
            double a1 = xb[2 * i], a2 = xb[2 * i + 1];
            quadratic += a1 * y1[i] + a2 * y2[i];
            lnW += LnWeight(a1, a2, out double m1, out double m2);
            if (gb != null)
            {
                gb[2 * i] = y1[i] - m1;
                gb[2 * i + 1] = y2[i] - m2;
            }
        }
        ((double*)ae)[b] = 0.5 * quadratic - lnW;
    }

    /// <summary>Single-precision overload for flows: configurations and gradients in float32, energies in double (pooled scratch, no allocation once warm).</summary>
    public void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient)
    {
        int length = x.Length;
        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != length) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {length}", nameof(gradient));
        double[] xd = ArrayPool<double>.Shared.Rent(length);
        double[] g = withGradient ? ArrayPool<double>.Shared.Rent(length) : [];
        try
        {
            TensorPrimitives.ConvertTruncating<float, double>(x, xd.AsSpan(0, length));
            EnergyAndGradient(xd.AsSpan(0, length), energy, withGradient ? g.AsSpan(0, length) : Span<double>.Empty);
            if (withGradient) TensorPrimitives.ConvertTruncating<double, float>(g.AsSpan(0, length), gradient);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(xd);
            if (withGradient) ArrayPool<double>.Shared.Return(g);
        }
    }

    /// <inheritdoc />
    public IRelaxedSpinMove CreateSpinMove(int chains, int sweeps, ulong seed, int clusters = 0) =>
        new RelaxedAngleSpinMove(this, chains, sweeps, seed, clusters: clusters);

    /// <summary>
    /// Exact draw of x | s: per component x_a ~ N(K's_a, K'), for each configuration of the batch of unit spins
    /// <paramref name="spins"/> (batch × 2N, (cos θ_i, sin θ_i) site by site). <paramref name="rngs"/> holds one
    /// generator per configuration or a single one for all.
    /// </summary>
    public void SampleGivenSpins(ReadOnlySpan<double> spins, Span<double> x, IReadOnlyList<Xoshiro256> rngs)
    {
        int count = BatchCount(spins.Length);
        if (x.Length != spins.Length) throw new ArgumentException($"x has {x.Length} entries, expected {spins.Length}", nameof(x));
        if (rngs.Count != 1 && rngs.Count != count)
            throw new ArgumentException($"need one generator or one per configuration ({count}), got {rngs.Count}", nameof(rngs));
        int n = Sites;
        var spinPlanes = new double[spins.Length];
        Deinterleave(spins, spinPlanes, n);
        var mean = new double[spins.Length];
        _coupling.ApplyCoupling(spinPlanes, mean);
        var noise = new double[spins.Length];
        for (int b = 0; b < count; b++) rngs[rngs.Count == 1 ? 0 : b].FillGaussian(noise.AsSpan(b * 2 * n, 2 * n));
        _coupling.ApplySqrtCoupling(noise, noise);
        for (int i = 0; i < noise.Length; i++) noise[i] += mean[i];
        Interleave(noise, x, n);
    }

    /// <summary>
    /// Exact draw of s | x, independently per site: von Mises with mean direction x_i/|x_i| and concentration |x_i| (XY),
    /// P(k) ∝ exp(x_i·e_k) (clock). Writes the angles θ_i ∈ [0, 2π) of a batch of configurations (batch × N).
    /// </summary>
    public void SampleAngles(ReadOnlySpan<double> x, Span<double> angles, Xoshiro256 rng)
    {
        int count = BatchCount(x.Length);
        if (angles.Length != count * Sites) throw new ArgumentException($"angles has {angles.Length} entries, expected {count * Sites}", nameof(angles));
        Span<double> p = stackalloc double[_cos.Length];
        for (int i = 0; i < angles.Length; i++)
        {
            double x1 = x[2 * i], x2 = x[2 * i + 1];
            double theta = _cos.Length == 0
                ? VonMises.Sample(Math.Atan2(x2, x1), Math.Sqrt(x1 * x1 + x2 * x2), rng)
                : 2 * Math.PI * SampleClockState(x1, x2, p, rng) / _cos.Length;
            angles[i] = theta;
        }
    }

    /// <summary>
    /// Unit spins (cos θ_i, sin θ_i), site by site, from angles (any batch); clock angles are snapped to the nearest clock
    /// state and take its exact table values.
    /// </summary>
    public void SpinsFromAngles(ReadOnlySpan<double> angles, Span<double> spins)
    {
        if (spins.Length != 2 * angles.Length) throw new ArgumentException($"spins has {spins.Length} entries, expected {2 * angles.Length}", nameof(spins));
        int q = _cos.Length;
        for (int i = 0; i < angles.Length; i++)
        {
            if (q == 0)
            {
                spins[2 * i] = Math.Cos(angles[i]);
                spins[2 * i + 1] = Math.Sin(angles[i]);
                continue;
            }
            int k = (int)(((long)Math.Round(angles[i] * q / (2 * Math.PI)) % q + q) % q);
            spins[2 * i] = _cos[k];
            spins[2 * i + 1] = _sin[k];
        }
    }

    /// <summary>E[s_i | x] for every site of one or more configurations (batch × 2N in, batch × 2N out).</summary>
    public void MeanSpins(ReadOnlySpan<double> x, Span<double> mean)
    {
        BatchCount(x.Length);
        if (mean.Length != x.Length) throw new ArgumentException($"mean has {mean.Length} entries, expected {x.Length}", nameof(mean));
        for (int i = 0; i < x.Length; i += 2)
        {
            LnWeight(x[i], x[i + 1], out double m1, out double m2);
            mean[i] = m1;
            mean[i + 1] = m2;
        }
    }

    /// <summary>Exact draw of the clock states k_i ∈ {0 … Q − 1} given x, P(k) ∝ exp(x_i·e_k), for a batch (batch × 2N in, batch × N out); the draws of <see cref="SampleAngles"/>.</summary>
    public void SampleClockStates(ReadOnlySpan<double> x, Span<byte> states, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (_cos.Length == 0) throw new InvalidOperationException("the XY model has no clock states: use SampleAngles");
        int count = BatchCount(x.Length);
        if (states.Length != count * Sites) throw new ArgumentException($"states has {states.Length} entries, expected {count * Sites}", nameof(states));
        Span<double> p = stackalloc double[_cos.Length];
        for (int i = 0; i < states.Length; i++) states[i] = (byte)SampleClockState(x[2 * i], x[2 * i + 1], p, rng);
    }

    private int SampleClockState(double x1, double x2, Span<double> p, Xoshiro256 rng)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < p.Length; k++) max = Math.Max(max, p[k] = x1 * _cos[k] + x2 * _sin[k]);
        double z = 0;
        for (int k = 0; k < p.Length; k++) z += p[k] = Math.Exp(p[k] - max);
        double u = rng.NextDouble() * z;
        for (int k = 0; k < p.Length; k++)
        {
            u -= p[k];
            if (u < 0) return k;
        }
        // Rounding left u ≥ 0 after the last state: return the last state with non-zero weight.
        for (int k = p.Length - 1; k >= 0; k--) if (p[k] > 0) return k;
        return 0;
    }

    private int BatchCount(int length)
    {
        if (length == 0 || length % Dimension != 0)
            throw new ArgumentException($"batch length {length} is not a positive multiple of 2N = 2L² = {Dimension}");
        return length / Dimension;
    }

    // Site-major pairs → two planes per configuration (component 1, then component 2).
    private static void Deinterleave(ReadOnlySpan<double> pairs, Span<double> planes, int n)
    {
        for (int b = 0; b < pairs.Length / (2 * n); b++)
        {
            var src = pairs.Slice(b * 2 * n, 2 * n);
            var dst = planes.Slice(b * 2 * n, 2 * n);
            for (int i = 0; i < n; i++)
            {
                dst[i] = src[2 * i];
                dst[n + i] = src[2 * i + 1];
            }
        }
    }

    private static void Interleave(ReadOnlySpan<double> planes, Span<double> pairs, int n)
    {
        for (int b = 0; b < planes.Length / (2 * n); b++)
        {
            var src = planes.Slice(b * 2 * n, 2 * n);
            var dst = pairs.Slice(b * 2 * n, 2 * n);
            for (int i = 0; i < n; i++)
            {
                dst[2 * i] = src[i];
                dst[2 * i + 1] = src[n + i];
            }
        }
    }
}
