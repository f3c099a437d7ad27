using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Numerics;

/// <summary>In-place 2-D complex FFT of an L×L array (L a power of two), row-major, real and imaginary parts in separate spans.</summary>
/// <remarks>
/// <para>
/// Every pass is a butterfly between two whole rows, so the inner loops run over contiguous memory with
/// AVX2 vectors and broadcast twiddles; the second dimension is reached by an in-place transpose.
/// </para>
/// <para>
/// Convolutions (circulant matrices on the torus) do not care about the order of the spectrum, so the
/// <em>permuted</em> pair <see cref="ForwardPermuted"/> / <see cref="InversePermuted"/> skips both the bit
/// reversal and the transpose back: the forward transform is decimation in frequency (natural in,
/// bit-reversed out), the inverse decimation in time (bit-reversed in, natural out), and wave vector
/// (k_y, k_x) sits at <see cref="PermutedIndex"/>. <see cref="Forward"/> and <see cref="Inverse"/> give the
/// ordinary natural order for everything else.
/// </para>
/// <para>Forward uses exp(−2πi(k_y r + k_x c)/L); the inverse uses exp(+…) and divides by N = L². A plan is
/// immutable and may be shared between threads.</para>
/// </remarks>
public sealed class FourierTransform2D
{
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _bitReverse;

    /// <summary>Linear size L.</summary>
    public int Size { get; }

    /// <summary>Number of elements N = L².</summary>
    public int Length => Size * Size;

    /// <summary>Plans transforms of L×L arrays; L must be a power of two.</summary>
    public FourierTransform2D(int size)
    {
        if (size < 1 || (size & (size - 1)) != 0)
            throw new ArgumentException($"2-D FFT size must be a power of two, got {size}", nameof(size));
        if (size > 32768) throw new ArgumentException($"2-D FFT size must be at most 32768, got {size}", nameof(size));
        Size = size;
        int half = Math.Max(1, size / 2);
        _cos = new double[half];
        _sin = new double[half];
        for (int k = 0; k < size / 2; k++)
        {
            // SinCos of the reduced angle keeps the twiddles accurate to the last bit for large L.
            (_sin[k], _cos[k]) = Math.SinCos(-2 * Math.PI * k / size);
        }
        _bitReverse = new int[size];
        int bits = BitOperations.Log2((uint)size);
        for (int i = 0; i < size; i++)
        {
            int r = 0;
            for (int b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
            _bitReverse[i] = r;
        }
    }

    /// <summary>Position of wave vector (k_y, k_x) (row and column frequency, 0 … L−1) in the output of <see cref="ForwardPermuted"/>.</summary>
    public int PermutedIndex(int ky, int kx) => _bitReverse[kx] * Size + _bitReverse[ky];

    /// <summary>Forward transform, natural order in and out: X[k_y·L + k_x].</summary>
    public void Forward(Span<double> re, Span<double> im)
    {
        ForwardPermuted(re, im);
        Unscramble(re);
        Unscramble(im);
    }

    /// <summary>Inverse transform (divides by N), natural order in and out.</summary>
    public void Inverse(Span<double> re, Span<double> im)
    {
        Check(re, im);
        // Unscramble is an involution: it also maps natural order to the permuted one.
        Unscramble(re);
        Unscramble(im);
        InversePermuted(re, im);
    }

    /// <summary>Forward transform from natural spatial order to the permuted spectral order (see <see cref="PermutedIndex"/>).</summary>
    public void ForwardPermuted(Span<double> re, Span<double> im)
    {
        Check(re, im);
        ForwardRows(re, im);
        Transpose(re);
        Transpose(im);
        ForwardRows(re, im);
    }

    /// <summary>Inverse transform (divides by N) from the permuted spectral order back to natural spatial order.</summary>
    public void InversePermuted(Span<double> re, Span<double> im)
    {
        InversePermutedUnscaled(re, im);
        double scale = 1.0 / Length;
        Scale(re, scale);
        Scale(im, scale);
    }

    /// <summary>
    /// Applies the circulant operator with real eigenvalues <paramref name="multiplier"/> (in permuted order)
    /// to the complex array in place: forward, multiply, inverse. The 1/N of the inverse is folded in.
    /// Two real fields packed as re + i·im are transformed independently, because a real, k ↔ −k symmetric
    /// multiplier maps real fields to real fields.
    /// </summary>
    public void ApplyCirculant(Span<double> re, Span<double> im, ReadOnlySpan<double> multiplier)
    {
        if (multiplier.Length != Length) throw new ArgumentException($"multiplier has {multiplier.Length} entries, expected {Length}", nameof(multiplier));
        ForwardPermuted(re, im);
        MultiplyScaled(re, im, multiplier, 1.0 / Length);
        InversePermutedUnscaled(re, im);
    }

    internal void InversePermutedUnscaled(Span<double> re, Span<double> im)
    {
        Check(re, im);
        InverseRows(re, im);
        Transpose(re);
        Transpose(im);
        InverseRows(re, im);
    }

    private void Check(Span<double> re, Span<double> im)
    {
        int n = Length;
        if (re.Length != n || im.Length != n)
            throw new ArgumentException($"2-D FFT plan is for {Size}×{Size} = {n} elements, got spans of {re.Length} and {im.Length}");
    }

    private static void MultiplyScaled(Span<double> re, Span<double> im, ReadOnlySpan<double> m, double scale)
    {
        int n = re.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double r = ref MemoryMarshal.GetReference(re);
            ref double q = ref MemoryMarshal.GetReference(im);
            ref double w = ref MemoryMarshal.GetReference(m);
            var s = Vector256.Create(scale);
            for (; i <= n - 4; i += 4)
            {
                var f = Vector256.LoadUnsafe(ref w, (nuint)i) * s;
                (Vector256.LoadUnsafe(ref r, (nuint)i) * f).StoreUnsafe(ref r, (nuint)i);
                (Vector256.LoadUnsafe(ref q, (nuint)i) * f).StoreUnsafe(ref q, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            double f = m[i] * scale;
            re[i] *= f;
            im[i] *= f;
        }
    }

    private static void Scale(Span<double> a, double s)
    {
        for (int i = 0; i < a.Length; i++) a[i] *= s;
    }

    // Decimation in frequency along the row index (Gentleman–Sande): natural in, bit-reversed out.
    // Two radix-2 stages are fused per pass over memory (radix 2²), which halves the traffic through cache.
    private void ForwardRows(Span<double> re, Span<double> im)
    {
        int n = Size;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        int h = n >> 1;
        for (; h >= 2; h >>= 2)
        {
            // Stages of half h and h/2 over blocks of 2h rows: rows j, j + h/2, j + h, j + 3h/2.
            int q = h >> 1, stride = n / (2 * h);
            for (int start = 0; start < n; start += 2 * h)
            {
                for (int j = 0; j < q; j++)
                {
                    int a0 = (start + j) * n, a1 = a0 + q * n, a2 = a0 + h * n, a3 = a2 + q * n;
                    // W_{2h}^j, W_{2h}^{j+h/2} = −i·W_{2h}^j, and W_h^j = W_{2h}^{2j}.
                    double w1r = _cos[j * stride], w1i = _sin[j * stride];
                    double w3r = _cos[2 * j * stride], w3i = _sin[2 * j * stride];
                    RowDifRadix4(ref r0, ref i0, a0, a1, a2, a3, n, w1r, w1i, w3r, w3i);
                }
            }
        }
        if (h == 1)
        {
            for (int start = 0; start < n; start += 2) RowSumDifference(ref r0, ref i0, start * n, (start + 1) * n, n);
        }
    }

    // Decimation in time along the row index (Cooley–Tukey) with conjugate twiddles: bit-reversed in, natural out.
    private void InverseRows(Span<double> re, Span<double> im)
    {
        int n = Size;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        int h = 1;
        // An odd number of stages: do the single one first so that the fused ones end at the top.
        if ((BitOperations.Log2((uint)n) & 1) == 1)
        {
            for (int start = 0; start < n; start += 2) RowSumDifference(ref r0, ref i0, start * n, (start + 1) * n, n);
            h = 2;
        }
        for (; h < n; h <<= 2)
        {
            // Stages of half h and 2h over blocks of 4h rows: rows j, j + h, j + 2h, j + 3h.
            int stride = n / (4 * h);
            for (int start = 0; start < n; start += 4 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int a0 = (start + j) * n, a1 = a0 + h * n, a2 = a1 + h * n, a3 = a2 + h * n;
                    // conj W_{2h}^j = conj W_{4h}^{2j} for the first stage, conj W_{4h}^j (and ·i) for the second.
                    double w1r = _cos[2 * j * stride], w1i = -_sin[2 * j * stride];
                    double w2r = _cos[j * stride], w2i = -_sin[j * stride];
                    RowDitRadix4(ref r0, ref i0, a0, a1, a2, a3, n, w1r, w1i, w2r, w2i);
                }
            }
        }
    }

    // Fused DIF stages on rows (a0, a1, a2, a3): first (a0, a2) with w1 and (a1, a3) with −i·w1, then
    // (a0, a1) and (a2, a3) with w3.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowDifRadix4(ref double re, ref double im, int a0, int a1, int a2, int a3, int n,
        double w1r, double w1i, double w3r, double w3i)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var v1r = Vector256.Create(w1r);
            var v1i = Vector256.Create(w1i);
            var v3r = Vector256.Create(w3r);
            var v3i = Vector256.Create(w3i);
            for (; c <= n - 4; c += 4)
            {
                nuint i0 = (nuint)(a0 + c), i1 = (nuint)(a1 + c), i2 = (nuint)(a2 + c), i3 = (nuint)(a3 + c);
                var x0r = Vector256.LoadUnsafe(ref re, i0); var x0i = Vector256.LoadUnsafe(ref im, i0);
                var x1r = Vector256.LoadUnsafe(ref re, i1); var x1i = Vector256.LoadUnsafe(ref im, i1);
                var x2r = Vector256.LoadUnsafe(ref re, i2); var x2i = Vector256.LoadUnsafe(ref im, i2);
                var x3r = Vector256.LoadUnsafe(ref re, i3); var x3i = Vector256.LoadUnsafe(ref im, i3);
                // First stage.
                var s0r = x0r + x2r; var s0i = x0i + x2i;
                var s1r = x1r + x3r; var s1i = x1i + x3i;
                var d0r = x0r - x2r; var d0i = x0i - x2i;
                // (x1 − x3)·(−i) = (im, −re).
                var d1r = x1i - x3i; var d1i = x3r - x1r;
                var y2r = Vector256.FusedMultiplyAdd(d0r, v1r, -(d0i * v1i));
                var y2i = Vector256.FusedMultiplyAdd(d0r, v1i, d0i * v1r);
                var y3r = Vector256.FusedMultiplyAdd(d1r, v1r, -(d1i * v1i));
                var y3i = Vector256.FusedMultiplyAdd(d1r, v1i, d1i * v1r);
                // Second stage.
                (s0r + s1r).StoreUnsafe(ref re, i0); (s0i + s1i).StoreUnsafe(ref im, i0);
                var e0r = s0r - s1r; var e0i = s0i - s1i;
                Vector256.FusedMultiplyAdd(e0r, v3r, -(e0i * v3i)).StoreUnsafe(ref re, i1);
                Vector256.FusedMultiplyAdd(e0r, v3i, e0i * v3r).StoreUnsafe(ref im, i1);
                (y2r + y3r).StoreUnsafe(ref re, i2); (y2i + y3i).StoreUnsafe(ref im, i2);
                var e2r = y2r - y3r; var e2i = y2i - y3i;
                Vector256.FusedMultiplyAdd(e2r, v3r, -(e2i * v3i)).StoreUnsafe(ref re, i3);
                Vector256.FusedMultiplyAdd(e2r, v3i, e2i * v3r).StoreUnsafe(ref im, i3);
            }
        }
        if (c < n)
        {
            // Scalar tail (only when vectors are unavailable): the same two stages one radix-2 row pass at a time.
            double w2r = w1i, w2i = -w1r; // −i·w1
            RowDif(ref re, ref im, a0 + c, a2 + c, n - c, w1r, w1i);
            RowDif(ref re, ref im, a1 + c, a3 + c, n - c, w2r, w2i);
            RowDif(ref re, ref im, a0 + c, a1 + c, n - c, w3r, w3i);
            RowDif(ref re, ref im, a2 + c, a3 + c, n - c, w3r, w3i);
        }
    }

    // Fused DIT stages on rows (a0, a1, a2, a3): first (a0, a1) and (a2, a3) with w1, then (a0, a2) with w2
    // and (a1, a3) with i·w2 (the conjugate twiddles of the inverse).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowDitRadix4(ref double re, ref double im, int a0, int a1, int a2, int a3, int n,
        double w1r, double w1i, double w2r, double w2i)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var v1r = Vector256.Create(w1r);
            var v1i = Vector256.Create(w1i);
            var v2r = Vector256.Create(w2r);
            var v2i = Vector256.Create(w2i);
            for (; c <= n - 4; c += 4)
            {
                nuint i0 = (nuint)(a0 + c), i1 = (nuint)(a1 + c), i2 = (nuint)(a2 + c), i3 = (nuint)(a3 + c);
                var x0r = Vector256.LoadUnsafe(ref re, i0); var x0i = Vector256.LoadUnsafe(ref im, i0);
                var x1r = Vector256.LoadUnsafe(ref re, i1); var x1i = Vector256.LoadUnsafe(ref im, i1);
                var x2r = Vector256.LoadUnsafe(ref re, i2); var x2i = Vector256.LoadUnsafe(ref im, i2);
                var x3r = Vector256.LoadUnsafe(ref re, i3); var x3i = Vector256.LoadUnsafe(ref im, i3);
                // First stage: t = x1·w1, (x0 ± t); u = x3·w1, (x2 ± u).
                var tr = Vector256.FusedMultiplyAdd(x1r, v1r, -(x1i * v1i));
                var ti = Vector256.FusedMultiplyAdd(x1r, v1i, x1i * v1r);
                var ur = Vector256.FusedMultiplyAdd(x3r, v1r, -(x3i * v1i));
                var ui = Vector256.FusedMultiplyAdd(x3r, v1i, x3i * v1r);
                var p0r = x0r + tr; var p0i = x0i + ti;
                var p1r = x0r - tr; var p1i = x0i - ti;
                var p2r = x2r + ur; var p2i = x2i + ui;
                var p3r = x2r - ur; var p3i = x2i - ui;
                // Second stage: (p0, p2) with w2, (p1, p3) with i·w2.
                var qr = Vector256.FusedMultiplyAdd(p2r, v2r, -(p2i * v2i));
                var qi = Vector256.FusedMultiplyAdd(p2r, v2i, p2i * v2r);
                var zr = Vector256.FusedMultiplyAdd(p3r, v2r, -(p3i * v2i));
                var zi = Vector256.FusedMultiplyAdd(p3r, v2i, p3i * v2r);
                // i·z = (−z_i, z_r).
                (p0r + qr).StoreUnsafe(ref re, i0); (p0i + qi).StoreUnsafe(ref im, i0);
                (p0r - qr).StoreUnsafe(ref re, i2); (p0i - qi).StoreUnsafe(ref im, i2);
                (p1r - zi).StoreUnsafe(ref re, i1); (p1i + zr).StoreUnsafe(ref im, i1);
                (p1r + zi).StoreUnsafe(ref re, i3); (p1i - zr).StoreUnsafe(ref im, i3);
            }
        }
        if (c < n)
        {
            double w3r = -w2i, w3i = w2r; // i·w2
            RowDit(ref re, ref im, a0 + c, a1 + c, n - c, w1r, w1i);
            RowDit(ref re, ref im, a2 + c, a3 + c, n - c, w1r, w1i);
            RowDit(ref re, ref im, a0 + c, a2 + c, n - c, w2r, w2i);
            RowDit(ref re, ref im, a1 + c, a3 + c, n - c, w3r, w3i);
        }
    }

    // (a, b) ← (a + b, a − b) over one row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowSumDifference(ref double re, ref double im, int a, int b, int n)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; c <= n - 4; c += 4)
            {
                nuint ia = (nuint)(a + c), ib = (nuint)(b + c);
                var ar = Vector256.LoadUnsafe(ref re, ia);
                var ai = Vector256.LoadUnsafe(ref im, ia);
                var br = Vector256.LoadUnsafe(ref re, ib);
                var bi = Vector256.LoadUnsafe(ref im, ib);
                (ar + br).StoreUnsafe(ref re, ia);
                (ai + bi).StoreUnsafe(ref im, ia);
                (ar - br).StoreUnsafe(ref re, ib);
                (ai - bi).StoreUnsafe(ref im, ib);
            }
        }
        for (; c < n; c++)
        {
            ref double ar = ref Unsafe.Add(ref re, a + c);
            ref double ai = ref Unsafe.Add(ref im, a + c);
            ref double br = ref Unsafe.Add(ref re, b + c);
            ref double bi = ref Unsafe.Add(ref im, b + c);
            double xr = ar, xi = ai;
            ar = xr + br; ai = xi + bi;
            br = xr - br; bi = xi - bi;
        }
    }

    // (a, b) ← (a + b, (a − b)·w) over one row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowDif(ref double re, ref double im, int a, int b, int n, double wr, double wi)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vwr = Vector256.Create(wr);
            var vwi = Vector256.Create(wi);
            for (; c <= n - 4; c += 4)
            {
                nuint ia = (nuint)(a + c), ib = (nuint)(b + c);
                var ar = Vector256.LoadUnsafe(ref re, ia);
                var ai = Vector256.LoadUnsafe(ref im, ia);
                var br = Vector256.LoadUnsafe(ref re, ib);
                var bi = Vector256.LoadUnsafe(ref im, ib);
                (ar + br).StoreUnsafe(ref re, ia);
                (ai + bi).StoreUnsafe(ref im, ia);
                var dr = ar - br;
                var di = ai - bi;
                Vector256.FusedMultiplyAdd(dr, vwr, -(di * vwi)).StoreUnsafe(ref re, ib);
                Vector256.FusedMultiplyAdd(dr, vwi, di * vwr).StoreUnsafe(ref im, ib);
            }
        }
        for (; c < n; c++)
        {
            ref double ar = ref Unsafe.Add(ref re, a + c);
            ref double ai = ref Unsafe.Add(ref im, a + c);
            ref double br = ref Unsafe.Add(ref re, b + c);
            ref double bi = ref Unsafe.Add(ref im, b + c);
            double dr = ar - br, di = ai - bi;
            ar += br; ai += bi;
            br = dr * wr - di * wi;
            bi = dr * wi + di * wr;
        }
    }

    // (a, b) ← (a + b·w, a − b·w) over one row.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowDit(ref double re, ref double im, int a, int b, int n, double wr, double wi)
    {
        int c = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vwr = Vector256.Create(wr);
            var vwi = Vector256.Create(wi);
            for (; c <= n - 4; c += 4)
            {
                nuint ia = (nuint)(a + c), ib = (nuint)(b + c);
                var br = Vector256.LoadUnsafe(ref re, ib);
                var bi = Vector256.LoadUnsafe(ref im, ib);
                var tr = Vector256.FusedMultiplyAdd(br, vwr, -(bi * vwi));
                var ti = Vector256.FusedMultiplyAdd(br, vwi, bi * vwr);
                var ar = Vector256.LoadUnsafe(ref re, ia);
                var ai = Vector256.LoadUnsafe(ref im, ia);
                (ar + tr).StoreUnsafe(ref re, ia);
                (ai + ti).StoreUnsafe(ref im, ia);
                (ar - tr).StoreUnsafe(ref re, ib);
                (ai - ti).StoreUnsafe(ref im, ib);
            }
        }
        for (; c < n; c++)
        {
            ref double ar = ref Unsafe.Add(ref re, a + c);
            ref double ai = ref Unsafe.Add(ref im, a + c);
            ref double br = ref Unsafe.Add(ref re, b + c);
            ref double bi = ref Unsafe.Add(ref im, b + c);
            double tr = br * wr - bi * wi, ti = br * wi + bi * wr;
            br = ar - tr; bi = ai - ti;
            ar += tr; ai += ti;
        }
    }

    // In-place square transpose in 8×8 tiles so both the row and the column side stay in cache.
    private void Transpose(Span<double> a)
    {
        int n = Size;
        const int tile = 8;
        ref double a0 = ref MemoryMarshal.GetReference(a);
        for (int bi = 0; bi < n; bi += tile)
        {
            int iEnd = Math.Min(n, bi + tile);
            for (int bj = bi; bj < n; bj += tile)
            {
                int jEnd = Math.Min(n, bj + tile);
                for (int i = bi; i < iEnd; i++)
                {
                    for (int j = bj == bi ? i + 1 : bj; j < jEnd; j++)
                    {
                        ref double x = ref Unsafe.Add(ref a0, i * n + j);
                        ref double y = ref Unsafe.Add(ref a0, j * n + i);
                        (x, y) = (y, x);
                    }
                }
            }
        }
    }

    // Maps the permuted layout (bit-reversed, transposed) to natural order; it is its own inverse.
    private void Unscramble(Span<double> a)
    {
        Transpose(a);
        int n = Size;
        for (int r = 0; r < n; r++)
        {
            int rr = _bitReverse[r];
            for (int c = 0; c < n; c++)
            {
                int cc = _bitReverse[c];
                int p = r * n + c, q = rr * n + cc;
                if (q > p) (a[p], a[q]) = (a[q], a[p]);
            }
        }
    }
}
