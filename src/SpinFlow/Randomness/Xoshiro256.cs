using System.Numerics;
using System.Runtime.CompilerServices;

namespace SpinFlow.Randomness;

/// <summary>xoshiro256** pseudo-random generator (Blackman &amp; Vigna), seeded through splitmix64.</summary>
/// <remarks>
/// One instance per chain or thread: the type is not thread-safe by design. Independent streams come from
/// <see cref="ForStream"/>, which derives the state from (seed, stream) through splitmix64 so that
/// neighbouring seeds and stream indices give unrelated sequences.
/// </remarks>
public sealed class Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareGaussian;
    private bool _hasSpare;

    /// <summary>Creates a generator whose state is four successive splitmix64 outputs of <paramref name="seed"/>.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        // splitmix64 never yields four zeros in a row, but keep the invariant explicit.
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>Generator for independent stream <paramref name="stream"/> (chain, thread, batch row) of a run seeded with <paramref name="seed"/>.</summary>
    public static Xoshiro256 ForStream(ulong seed, ulong stream)
    {
        ulong x = seed;
        ulong a = SplitMix64(ref x);
        ulong y = stream ^ 0x5DEECE66D2B4F1A3UL;
        ulong b = SplitMix64(ref y);
        return new Xoshiro256(a ^ BitOperations.RotateLeft(b, 17) ^ (b * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>The splitmix64 step: advances <paramref name="state"/> and returns a mixed 64-bit value.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        ulong z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next raw 64-bit output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1U << 24));

    /// <summary>Uniform 32-bit integer (upper half of the 64-bit output, the better-mixed bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>Uniform integer in [0, n) by Lemire's multiply-shift with rejection (unbiased).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "n must be positive");
        uint range = (uint)n;
        ulong m = (ulong)NextUInt32() * range;
        uint low = (uint)m;
        if (low < range)
        {
            uint threshold = (uint)(-(int)range) % range;
            while (low < threshold)
            {
                m = (ulong)NextUInt32() * range;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Fair coin.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool NextBool() => (long)NextUInt64() < 0;

    /// <summary>Standard normal variate (Marsaglia polar method; the second variate of each pair is kept).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareGaussian;
        }
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareGaussian = v * f;
        _hasSpare = true;
        return u * f;
    }

    /// <summary>Fills <paramref name="destination"/> with independent standard normal variates.</summary>
    public void FillGaussian(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextGaussian();
    }

    /// <summary>Fills <paramref name="destination"/> with independent standard normal variates (float32).</summary>
    public void FillGaussian(Span<float> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = (float)NextGaussian();
    }
}
