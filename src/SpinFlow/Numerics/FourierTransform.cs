namespace SpinFlow.Numerics;

/// <summary>In-place radix-2 complex FFT of one power-of-two length, with precomputed twiddles and bit reversal.</summary>
/// <remarks>
/// Real and imaginary parts live in separate spans (structure of arrays). Forward uses exp(−2πi jk/n);
/// the inverse uses exp(+2πi jk/n) and divides by n. A plan is immutable after construction and may be
/// shared between threads.
/// </remarks>
public sealed class FourierTransform
{
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly int[] _bitReverse;

    /// <summary>Transform length n (a power of two).</summary>
    public int Length { get; }

    /// <summary>Plans transforms of length <paramref name="length"/>, which must be a power of two.</summary>
    public FourierTransform(int length)
    {
        if (length < 1 || (length & (length - 1)) != 0)
            throw new ArgumentException($"FFT length must be a power of two, got {length}", nameof(length));
        Length = length;
        _cos = new double[Math.Max(1, length / 2)];
        _sin = new double[Math.Max(1, length / 2)];
        for (int k = 0; k < length / 2; k++)
        {
            double a = -2 * Math.PI * k / length;
            _cos[k] = Math.Cos(a);
            _sin[k] = Math.Sin(a);
        }
        _bitReverse = new int[length];
        int bits = System.Numerics.BitOperations.Log2((uint)length);
        // rev(i) is rev(i/2) shifted right, with i's lowest bit moved to the top.
        for (int i = 1; i < length; i++)
            _bitReverse[i] = (_bitReverse[i >> 1] >> 1) | ((i & 1) << (bits - 1));
    }

    /// <summary>Smallest power of two ≥ <paramref name="n"/>.</summary>
    public static int NextPowerOfTwo(int n) => n <= 1 ? 1 : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);

    /// <summary>Forward transform X_k = Σ_j x_j e^{−2πi jk/n}, in place.</summary>
    public void Forward(Span<double> re, Span<double> im) => Transform(re, im, inverse: false);

    /// <summary>Inverse transform x_j = (1/n) Σ_k X_k e^{+2πi jk/n}, in place.</summary>
    public void Inverse(Span<double> re, Span<double> im)
    {
        Transform(re, im, inverse: true);
        double scale = 1.0 / Length;
        for (int i = 0; i < Length; i++) { re[i] *= scale; im[i] *= scale; }
    }

    private void Transform(Span<double> re, Span<double> im, bool inverse)
    {
        int n = Length;
        if (re.Length != n || im.Length != n)
            throw new ArgumentException($"FFT plan is for length {n}, got spans of {re.Length} and {im.Length}");
        for (int i = 0; i < n; i++)
        {
            int j = _bitReverse[i];
            if (j > i)
            {
                (re[i], re[j]) = (re[j], re[i]);
                (im[i], im[j]) = (im[j], im[i]);
            }
        }
        double sign = inverse ? -1 : 1;
        for (int half = 1; half < n; half <<= 1)
        {
            int stride = n / (2 * half);
            for (int start = 0; start < n; start += 2 * half)
            {
                for (int k = 0; k < half; k++)
                {
                    double wr = _cos[k * stride], wi = sign * _sin[k * stride];
                    int a = start + k, b = a + half;
                    double tr = wr * re[b] - wi * im[b];
                    double ti = wr * im[b] + wi * re[b];
                    re[b] = re[a] - tr; im[b] = im[a] - ti;
                    re[a] += tr; im[a] += ti;
                }
            }
        }
    }
}
