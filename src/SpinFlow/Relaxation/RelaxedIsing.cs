using SpinFlow.Hmc;
using SpinFlow.Lattice;
using SpinFlow.Numerics;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>
/// Continuous relaxation of the periodic L×L Ising model at temperature T (DESIGN.md §3):
/// E(x) = ½ xᵀK'⁻¹x − Σ ln cosh x_i with K' = A/T + c·I, the exact conditionals x | s and s | x, and the
/// exact normaliser. Every K'-operation is diagonal in Fourier space and costs O(N log N) per configuration.
/// </summary>
/// <remarks>
/// <para>
/// Batched methods take configurations back to back (batch × N, row-major sites). Pairs of real
/// configurations are packed into one complex FFT (x_a + i·x_b), which the real, even spectrum of K' keeps
/// apart, so a batch costs one complex 2-D FFT per configuration. Work is spread over batch pairs with up to
/// <see cref="MaxDegreeOfParallelism"/> threads, each using a pooled workspace: the hot path allocates no
/// buffers. Instances are thread-safe.
/// </para>
/// <para>L must be a power of two (the FFT is radix-2); other sizes are rejected in the constructor.</para>
/// </remarks>
public sealed class RelaxedIsing : IRelaxedModel
{
    private readonly FourierTransform2D _fft;
    // Spectra of K'⁻¹, K'^{1/2}, in the FFT's permuted order.
    private readonly double[] _inverseEigenvalues;
    private readonly double[] _sqrtEigenvalues;
    private readonly Stack<Workspace> _pool = new();
    private readonly ParallelOptions _parallel;
    private const long ParallelThreshold = 1 << 16;

    /// <summary>Linear size L (a power of two ≥ 2).</summary>
    public int Size { get; }

    /// <summary>Number of sites N = L².</summary>
    public int Sites { get; }

    /// <inheritdoc />
    public int Dimension => Sites;

    /// <summary>Components per site of x (1), the channels of the flows that generate it.</summary>
    public int Channels => 1;

    /// <summary>Temperature T.</summary>
    public double Temperature { get; }

    /// <summary>The shift c in K' = A/T + c·I.</summary>
    public double Shift { get; }

    /// <summary>Smallest eigenvalue of K' (0.1 with the default shift at even L).</summary>
    public double MinEigenvalue { get; }

    /// <summary>ln det K' = Σ_k ln λ_k.</summary>
    public double LogDeterminant { get; }

    /// <summary>Most threads one batched call uses.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>The NNRG default shift c = 0.1 + 4/T, which makes λ_min(K') = 0.1 on even lattices.</summary>
    public static double DefaultShift(double temperature) => 0.1 + 4 / temperature;

    /// <summary>
    /// Builds the model. <paramref name="shift"/> defaults to <see cref="DefaultShift"/>; it must make K'
    /// positive definite. <paramref name="maxDegreeOfParallelism"/> ≤ 0 means one thread per core.
    /// </summary>
    public RelaxedIsing(int size, double temperature, double? shift = null, int maxDegreeOfParallelism = 0)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at least 2");
        if ((size & (size - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"the relaxed model needs L to be a power of two (its FFT is radix-2), got L = {size}");
        if (size > 4096) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at most 4096");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
        double c = shift ?? DefaultShift(temperature);
        if (!double.IsFinite(c)) throw new ArgumentOutOfRangeException(nameof(shift), c, "shift c must be finite");

        Size = size;
        Sites = size * size;
        Temperature = temperature;
        Shift = c;
        MaxDegreeOfParallelism = maxDegreeOfParallelism > 0 ? maxDegreeOfParallelism : Environment.ProcessorCount;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxDegreeOfParallelism };
        _fft = new FourierTransform2D(size);

        int n = Sites;
        _inverseEigenvalues = new double[n];
        _sqrtEigenvalues = new double[n];
        double min = double.PositiveInfinity, lnDet = 0;
        var cosine = new double[size];
        for (int k = 0; k < size; k++) cosine[k] = Math.Cos(2 * Math.PI * k / size);
        for (int ky = 0; ky < size; ky++)
        {
            for (int kx = 0; kx < size; kx++)
            {
                double lambda = Eigenvalue(cosine[ky], cosine[kx]);
                min = Math.Min(min, lambda);
                int p = _fft.PermutedIndex(ky, kx);
                _inverseEigenvalues[p] = 1 / lambda;
                _sqrtEigenvalues[p] = Math.Sqrt(Math.Max(lambda, 0));
                lnDet += Math.Log(lambda);
            }
        }
        if (!(min > 0))
            throw new ArgumentOutOfRangeException(nameof(shift), c,
                $"shift c = {c:G6} leaves K' = A/T + c·I not positive definite (smallest eigenvalue {min:G6}); " +
                $"c must exceed {c - min:G6} at L = {size}, T = {temperature:G6}");
        MinEigenvalue = min;
        LogDeterminant = lnDet;
    }

    /// <summary>Eigenvalue of K' at wave vector (2π k_y/L, 2π k_x/L): (2 cos k_x + 2 cos k_y)/T + c.</summary>
    public double Eigenvalue(int ky, int kx) =>
        Eigenvalue(Math.Cos(2 * Math.PI * ky / Size), Math.Cos(2 * Math.PI * kx / Size));

    private double Eigenvalue(double cy, double cx) => (2 * cx + 2 * cy) / Temperature + Shift;

    /// <summary>
    /// ln Z_x = ln ∫ e^{−E(x)} dx = ln Z_Ising + N c/2 + (N/2) ln 2π + ½ ln det K' − N ln 2, from the
    /// Ising <paramref name="lnZIsing"/> at the same L and T.
    /// </summary>
    public double LnNormalizer(double lnZIsing)
    {
        double n = Sites;
        return lnZIsing + n * Shift / 2 + n / 2 * Math.Log(2 * Math.PI) + LogDeterminant / 2 - n * RelaxedMath.Ln2;
    }

    /// <summary>E(x) = ½ xᵀK'⁻¹x − Σ ln cosh x_i for each configuration of the batch <paramref name="x"/>.</summary>
    public void Energy(ReadOnlySpan<double> x, Span<double> energy) => EnergyAndGradient(x, energy, Span<double>.Empty);

    /// <summary>E(x) of a single configuration.</summary>
    public double Energy(ReadOnlySpan<double> x)
    {
        Span<double> e = stackalloc double[1];
        EnergyAndGradient(x, e, Span<double>.Empty);
        return e[0];
    }

    /// <summary>
    /// E(x) and ∇E = K'⁻¹x − tanh x for a batch (batch × N in, batch energies out, batch × N gradients out).
    /// An empty <paramref name="gradient"/> computes energies only.
    /// </summary>
    public unsafe void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient)
    {
        int count = BatchCount(x.Length);
        if (energy.Length != count) throw new ArgumentException($"energy has {energy.Length} entries, expected batch size {count}", nameof(energy));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != x.Length) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {x.Length}", nameof(gradient));
        int n = Sites;
        fixed (double* px = x, pe = energy, pg = gradient)
        {
            nint ax = (nint)px, ae = (nint)pe, ag = (nint)pg;
            ForEachPair(count, (a, b, ws) =>
            {
                var xa = new ReadOnlySpan<double>((double*)ax + (long)a * n, n);
                var xb = b < count ? new ReadOnlySpan<double>((double*)ax + (long)b * n, n) : ReadOnlySpan<double>.Empty;
                Pack(xa, xb, ws);
                _fft.ApplyCirculant(ws.Re, ws.Im, _inverseEigenvalues);
                ((double*)ae)[a] = Finish(xa, ws.Re, withGradient ? new Span<double>((double*)ag + (long)a * n, n) : Span<double>.Empty);
                if (b < count)
                    ((double*)ae)[b] = Finish(xb, ws.Im, withGradient ? new Span<double>((double*)ag + (long)b * n, n) : Span<double>.Empty);
            });
        }
    }

    /// <summary>
    /// Single-precision overload for flows: configurations and gradients in float32, energies accumulated and
    /// returned in double (they enter accept/reject decisions and losses).
    /// </summary>
    public unsafe void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient)
    {
        int count = BatchCount(x.Length);
        if (energy.Length != count) throw new ArgumentException($"energy has {energy.Length} entries, expected batch size {count}", nameof(energy));
        bool withGradient = !gradient.IsEmpty;
        if (withGradient && gradient.Length != x.Length) throw new ArgumentException($"gradient has {gradient.Length} entries, expected {x.Length}", nameof(gradient));
        int n = Sites;
        fixed (float* px = x, pg = gradient)
        fixed (double* pe = energy)
        {
            nint ax = (nint)px, ae = (nint)pe, ag = (nint)pg;
            ForEachPair(count, (a, b, ws) =>
            {
                for (int k = 0; k < 2; k++)
                {
                    int row = k == 0 ? a : b;
                    var dst = k == 0 ? ws.BufferA : ws.BufferB;
                    if (row < count) System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(new ReadOnlySpan<float>((float*)ax + (long)row * n, n), dst);
                    else Array.Clear(dst);
                }
                Pack(ws.BufferA, b < count ? ws.BufferB : ReadOnlySpan<double>.Empty, ws);
                _fft.ApplyCirculant(ws.Re, ws.Im, _inverseEigenvalues);
                for (int k = 0; k < 2; k++)
                {
                    int row = k == 0 ? a : b;
                    if (row >= count) break;
                    var xr = k == 0 ? ws.BufferA : ws.BufferB;
                    // The gradient is formed in double in the spectrum buffer, then rounded once.
                    var y = k == 0 ? ws.Re : ws.Im;
                    ((double*)ae)[row] = Finish(xr, y, withGradient ? y : Span<double>.Empty);
                    if (withGradient)
                        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(y, new Span<float>((float*)ag + (long)row * n, n));
                }
            });
        }
    }

    /// <inheritdoc cref="EnergyAndGradient(ReadOnlySpan{double}, Span{double}, Span{double})" />
    void IDifferentiableTarget.EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient) =>
        EnergyAndGradient(x, energy, gradient);

    /// <inheritdoc />
    public SpinModel Model => SpinModel.Ising;

    /// <inheritdoc />
    public IRelaxedSpinMove CreateSpinMove(int chains, int sweeps, ulong seed, int clusters = 0) => clusters == 0
        ? new RelaxedIsingSpinMove(this, chains, sweeps, seed)
        : throw new ArgumentException("cluster reflections in the spin move are for the clock and XY models (their winding); Ising has none", nameof(clusters));

    /// <summary>y = K'⁻¹x for each configuration of the batch (in place allowed).</summary>
    public void ApplyInverseCoupling(ReadOnlySpan<double> x, Span<double> y) => ApplySpectral(x, y, _inverseEigenvalues);

    /// <summary>y = K'^{1/2}x, the symmetric square root, for each configuration of the batch (in place allowed).</summary>
    public void ApplySqrtCoupling(ReadOnlySpan<double> x, Span<double> y) => ApplySpectral(x, y, _sqrtEigenvalues);

    /// <summary>y = K'x = (Σ_nb x)/T + c·x for each configuration of the batch, by the nearest-neighbour stencil.</summary>
    public void ApplyCoupling(ReadOnlySpan<double> x, Span<double> y)
    {
        int count = BatchCount(x.Length);
        if (y.Length != x.Length) throw new ArgumentException($"output has {y.Length} entries, expected {x.Length}", nameof(y));
        if (x.Overlaps(y)) throw new ArgumentException("ApplyCoupling cannot work in place", nameof(y));
        for (int b = 0; b < count; b++) Stencil(x.Slice(b * Sites, Sites), y.Slice(b * Sites, Sites), 1.0);
    }

    /// <summary>
    /// Exact draw of x | s ~ N(K's, K') for each spin configuration of the batch <paramref name="spins"/>
    /// (batch × N, ±1): x = K's + K'^{1/2}ξ with ξ standard normal. <paramref name="rngs"/> holds one
    /// generator per configuration (noise then comes in parallel, reproducibly) or a single one for all.
    /// </summary>
    public unsafe void SampleGivenSpins(ReadOnlySpan<sbyte> spins, Span<double> x, IReadOnlyList<Xoshiro256> rngs)
    {
        int count = BatchCount(spins.Length);
        if (x.Length != spins.Length) throw new ArgumentException($"x has {x.Length} entries, expected {spins.Length}", nameof(x));
        if (rngs.Count != 1 && rngs.Count != count)
            throw new ArgumentException($"need one generator or one per configuration ({count}), got {rngs.Count}", nameof(rngs));
        foreach (sbyte s in spins)
            if (s != 1 && s != -1) throw new ArgumentException("spins must be ±1", nameof(spins));
        int n = Sites;
        if (rngs.Count == 1 && count > 1) rngs[0].FillGaussian(x);
        fixed (sbyte* ps = spins)
        fixed (double* px = x)
        {
            nint asp = (nint)ps, ax = (nint)px;
            bool serialNoise = rngs.Count == 1 && count > 1;
            ForEachPair(count, (a, b, ws) =>
            {
                var xa = new Span<double>((double*)ax + (long)a * n, n);
                var xb = b < count ? new Span<double>((double*)ax + (long)b * n, n) : Span<double>.Empty;
                if (!serialNoise)
                {
                    rngs[a].FillGaussian(xa);
                    if (b < count) rngs[b].FillGaussian(xb);
                }
                Pack(xa, xb, ws);
                _fft.ApplyCirculant(ws.Re, ws.Im, _sqrtEigenvalues);
                AddCouplingTimesSpins(new ReadOnlySpan<sbyte>((sbyte*)asp + (long)a * n, n), ws.Re, xa);
                if (b < count) AddCouplingTimesSpins(new ReadOnlySpan<sbyte>((sbyte*)asp + (long)b * n, n), ws.Im, xb);
            });
        }
    }

    /// <summary>Exact draw of s | x: independent spins with P(s_i = +1) = e^{x_i}/(2 cosh x_i), for any batch of configurations.</summary>
    public static void SampleSpins(ReadOnlySpan<double> x, Span<sbyte> spins, Xoshiro256 rng)
    {
        if (spins.Length != x.Length) throw new ArgumentException($"spins has {spins.Length} entries, expected {x.Length}", nameof(spins));
        for (int i = 0; i < x.Length; i++)
            spins[i] = rng.NextDouble() < RelaxedMath.SpinUpProbability(x[i]) ? (sbyte)1 : (sbyte)-1;
    }

    private int BatchCount(int length)
    {
        if (length == 0 || length % Sites != 0)
            throw new ArgumentException($"batch length {length} is not a positive multiple of N = L² = {Sites}");
        return length / Sites;
    }

    private unsafe void ApplySpectral(ReadOnlySpan<double> x, Span<double> y, double[] multiplier)
    {
        int count = BatchCount(x.Length);
        if (y.Length != x.Length) throw new ArgumentException($"output has {y.Length} entries, expected {x.Length}", nameof(y));
        int n = Sites;
        fixed (double* px = x, py = y)
        {
            nint ax = (nint)px, ay = (nint)py;
            ForEachPair(count, (a, b, ws) =>
            {
                Pack(new ReadOnlySpan<double>((double*)ax + (long)a * n, n),
                    b < count ? new ReadOnlySpan<double>((double*)ax + (long)b * n, n) : ReadOnlySpan<double>.Empty, ws);
                _fft.ApplyCirculant(ws.Re, ws.Im, multiplier);
                ws.Re.CopyTo(new Span<double>((double*)ay + (long)a * n, n));
                if (b < count) ws.Im.CopyTo(new Span<double>((double*)ay + (long)b * n, n));
            });
        }
    }

    private static void Pack(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Workspace ws)
    {
        a.CopyTo(ws.Re);
        if (b.IsEmpty) Array.Clear(ws.Im);
        else b.CopyTo(ws.Im);
    }

    // Energy from x and y = K'⁻¹x; gradient (optional) may alias y.
    private static double Finish(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gradient)
    {
        double lnCosh = RelaxedMath.LnCoshSumAndGradient(x, y, gradient, out double quadratic);
        return quadratic - lnCosh;
    }

    // x = K's + noise, where noise already holds K'^{1/2}ξ.
    private void AddCouplingTimesSpins(ReadOnlySpan<sbyte> s, ReadOnlySpan<double> noise, Span<double> x)
    {
        int l = Size;
        double j = 1 / Temperature, c = Shift;
        for (int r = 0; r < l; r++)
        {
            int up = ((r + l - 1) % l) * l, row = r * l, down = ((r + 1) % l) * l;
            for (int col = 0; col < l; col++)
            {
                int left = col == 0 ? l - 1 : col - 1, right = col == l - 1 ? 0 : col + 1;
                int nb = s[up + col] + s[down + col] + s[row + left] + s[row + right];
                x[row + col] = noise[row + col] + j * nb + c * s[row + col];
            }
        }
    }

    private void Stencil(ReadOnlySpan<double> x, Span<double> y, double scale)
    {
        int l = Size;
        double j = scale / Temperature, c = scale * Shift;
        for (int r = 0; r < l; r++)
        {
            int up = ((r + l - 1) % l) * l, row = r * l, down = ((r + 1) % l) * l;
            for (int col = 0; col < l; col++)
            {
                int left = col == 0 ? l - 1 : col - 1, right = col == l - 1 ? 0 : col + 1;
                y[row + col] = j * (x[up + col] + x[down + col] + x[row + left] + x[row + right]) + c * x[row + col];
            }
        }
    }

    // Runs body(a, b, workspace) for the pairs (0,1), (2,3), …; b = count marks a missing partner.
    private void ForEachPair(int count, Action<int, int, Workspace> body)
    {
        int pairs = (count + 1) / 2;
        int workers = Math.Min(MaxDegreeOfParallelism, pairs);
        // Below ~64k sites in all, handing work to pool threads costs more than the FFTs themselves.
        if (workers <= 1 || (long)count * Sites < ParallelThreshold)
        {
            var ws = Rent();
            try { for (int p = 0; p < pairs; p++) body(2 * p, Math.Min(2 * p + 1, count), ws); }
            finally { Return(ws); }
            return;
        }
        Parallel.For(0, workers, _parallel, w =>
        {
            var ws = Rent();
            try
            {
                int lo = (int)((long)pairs * w / workers), hi = (int)((long)pairs * (w + 1) / workers);
                for (int p = lo; p < hi; p++) body(2 * p, Math.Min(2 * p + 1, count), ws);
            }
            finally { Return(ws); }
        });
    }

    private Workspace Rent()
    {
        lock (_pool)
        {
            if (_pool.Count > 0) return _pool.Pop();
        }
        return new Workspace(Sites);
    }

    private void Return(Workspace ws)
    {
        lock (_pool) _pool.Push(ws);
    }

    private sealed class Workspace(int n)
    {
        public readonly double[] Re = new double[n];
        public readonly double[] Im = new double[n];
        public readonly double[] BufferA = new double[n];
        public readonly double[] BufferB = new double[n];
    }
}
