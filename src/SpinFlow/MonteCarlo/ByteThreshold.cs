using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>
/// A Bernoulli(p) test with 32-bit resolution, "accept iff u &lt; t" for a uniform 32-bit u and t = round(p·2^32),
/// decided one byte of u at a time from the most significant end.
/// </summary>
/// <remarks>
/// The first byte settles the comparison unless it equals the threshold's first byte (probability 1/256), so a
/// lane costs one random byte on average instead of four, and 32 lanes share one 256-bit generator step.
/// The rare ties are resolved from further bytes; the outcome has exactly the law of the 32-bit comparison.
/// Bytes are stored biased by 0x80 so that a signed byte comparison (the only one AVX2 has) orders them as
/// unsigned; a uniform random byte needs no bias because r and r ^ 0x80 are equally uniform.
/// </remarks>
internal readonly struct ByteThreshold
{
    /// <summary>The 32-bit threshold t: P(accept) = t / 2^32.</summary>
    public readonly uint Threshold;

    /// <summary>Byte k (k = 0 most significant) of t, biased by 0x80, broadcast to every lane.</summary>
    public readonly Vector256<sbyte> Level0, Level1, Level2, Level3;

    /// <summary>Threshold for acceptance probability <paramref name="probability"/> ∈ [0, 1], rounded to a multiple of 2^−32 (1 becomes 1 − 2^−32).</summary>
    public ByteThreshold(double probability)
    {
        Threshold = ToThreshold(probability);
        Level0 = Vector256.Create(Biased(Threshold >> 24));
        Level1 = Vector256.Create(Biased(Threshold >> 16));
        Level2 = Vector256.Create(Biased(Threshold >> 8));
        Level3 = Vector256.Create(Biased(Threshold));
    }

    /// <summary>round(p·2^32), clamped to [0, 2^32 − 1].</summary>
    public static uint ToThreshold(double probability)
    {
        if (!(probability >= 0) || probability > 1) throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must lie in [0, 1]");
        double scaled = Math.Round(probability * 4294967296.0);
        return scaled >= uint.MaxValue ? uint.MaxValue : (uint)scaled;
    }

    private static sbyte Biased(uint b) => (sbyte)((byte)b ^ 0x80);

    /// <summary>Level-k threshold bytes.</summary>
    public Vector256<sbyte> Level(int k) => k switch { 0 => Level0, 1 => Level1, 2 => Level2, _ => Level3 };

    /// <summary>
    /// Finishes lanes whose first random byte tied with the first threshold byte: <paramref name="tied"/> marks
    /// them, <paramref name="useA"/> picks threshold <paramref name="a"/> over <paramref name="b"/> per lane.
    /// Returns <paramref name="accept"/> with the tied lanes' decisions or-ed in (a full 32-bit tie rejects).
    /// </summary>
    /// <remarks>Draws from a scalar generator so that the caller's vector generator can stay in registers.</remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Vector256<sbyte> ResolveTies(Xoshiro256 rng, in ByteThreshold a, in ByteThreshold b, Vector256<sbyte> useA,
        Vector256<sbyte> accept, Vector256<sbyte> tied)
    {
        for (int level = 1; level < 4; level++)
        {
            Vector256<sbyte> r = Vector256.Create(rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64()).AsSByte();
            Vector256<sbyte> t = Vector256.ConditionalSelect(useA, a.Level(level), b.Level(level));
            accept |= tied & Vector256.LessThan(r, t);
            tied &= Vector256.Equals(r, t);
            if (tied == Vector256<sbyte>.Zero) break;
        }
        return accept;
    }
}
