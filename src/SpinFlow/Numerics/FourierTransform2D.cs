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
    private void ForwardRows(Span<double> re, Span<double> im)
    {
        int n = Size;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        for (int h = n >> 1; h >= 1; h >>= 1)
        {
            int stride = n / (2 * h);
            for (int start = 0; start < n; start += 2 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int a = (start + j) * n, b = a + h * n;
                    if (j == 0) RowSumDifference(ref r0, ref i0, a, b, n);
                    else RowDif(ref r0, ref i0, a, b, n, _cos[j * stride], _sin[j * stride]);
                }
            }
        }
    }

    // Decimation in time along the row index (Cooley–Tukey) with conjugate twiddles: bit-reversed in, natural out.
    private void InverseRows(Span<double> re, Span<double> im)
    {
        int n = Size;
        ref double r0 = ref MemoryMarshal.GetReference(re);
        ref double i0 = ref MemoryMarshal.GetReference(im);
        for (int h = 1; h < n; h <<= 1)
        {
            int stride = n / (2 * h);
            for (int start = 0; start < n; start += 2 * h)
            {
                for (int j = 0; j < h; j++)
                {
                    int a = (start + j) * n, b = a + h * n;
                    if (j == 0) RowSumDifference(ref r0, ref i0, a, b, n);
                    else RowDit(ref r0, ref i0, a, b, n, _cos[j * stride], -_sin[j * stride]);
                }
            }
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
