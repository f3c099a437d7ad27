using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Source of 64 random bits for each of eight lanes, as two vectors of 32-bit words; kernels are generic over it so the JIT keeps the state in registers.</summary>
internal interface IChunkBits
{
    /// <summary>Eight 32-bit words in <paramref name="first"/> and eight more in <paramref name="second"/>.</summary>
    void Next(out Vector256<uint> first, out Vector256<uint> second);
}

/// <summary>Chunk bits from two steps of <see cref="Xoshiro256x4"/> (AVX2).</summary>
internal struct ChunkBitsX4(Xoshiro256 seeder) : IChunkBits
{
    private Xoshiro256x4 _rng = new(seeder);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next(out Vector256<uint> first, out Vector256<uint> second)
    {
        first = _rng.NextBytes().AsUInt32();
        second = _rng.NextBytes().AsUInt32();
    }
}

/// <summary>Chunk bits from one step of eight xoshiro256** generators, one per 64-bit lane of a 512-bit vector (AVX-512).</summary>
internal struct ChunkBitsX8 : IChunkBits
{
    private Vector512<ulong> _s0, _s1, _s2, _s3;

    /// <summary>Seeds the eight lanes from consecutive outputs of <paramref name="seeder"/>.</summary>
    public ChunkBitsX8(Xoshiro256 seeder)
    {
        Span<ulong> state = stackalloc ulong[32];
        for (int lane = 0; lane < 8; lane++)
        {
            ulong any = 0;
            for (int k = 0; k < 4; k++)
            {
                state[8 * k + lane] = seeder.NextUInt64();
                any |= state[8 * k + lane];
            }
            // An all-zero state is the one fixed point of xoshiro.
            if (any == 0) state[lane] = 1;
        }
        _s0 = Vector512.Create<ulong>(state[..8]);
        _s1 = Vector512.Create<ulong>(state[8..16]);
        _s2 = Vector512.Create<ulong>(state[16..24]);
        _s3 = Vector512.Create<ulong>(state[24..]);
    }

    /// <summary>Advances all lanes; <paramref name="bits"/> gets their 8 × 64 output bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next(out Vector512<ulong> bits)
    {
        Vector512<ulong> s1 = _s1;
        Vector512<ulong> times5 = (s1 << 2) + s1;
        Vector512<ulong> rotated = (times5 << 7) | (times5 >>> 57);
        bits = (rotated << 3) + rotated;
        Vector512<ulong> t = s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = (_s3 << 45) | (_s3 >>> 19);
    }

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next(out Vector256<uint> first, out Vector256<uint> second)
    {
        Next(out Vector512<ulong> bits);
        first = bits.GetLower().AsUInt32();
        second = bits.GetUpper().AsUInt32();
    }
}
