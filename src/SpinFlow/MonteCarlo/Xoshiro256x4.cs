using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Four independent xoshiro256** generators, one per 64-bit lane of a 256-bit vector: 32 random bytes per step.</summary>
/// <remarks>
/// AVX2 has no 64-bit lane multiply, so the ×5 and ×9 of the scrambler are written as shift-and-add, which is
/// exact modulo 2^64 and keeps the lanes bit-identical to the scalar <see cref="Xoshiro256"/> recurrence.
/// Copy the struct into a local around hot loops so the JIT keeps the state in registers.
/// </remarks>
internal struct Xoshiro256x4
{
    private Vector256<ulong> _s0, _s1, _s2, _s3;

    /// <summary>Seeds the four lanes from consecutive outputs of <paramref name="seeder"/>.</summary>
    public Xoshiro256x4(Xoshiro256 seeder)
    {
        Span<ulong> state = stackalloc ulong[16];
        for (int lane = 0; lane < 4; lane++)
        {
            ulong any = 0;
            for (int k = 0; k < 4; k++)
            {
                state[4 * k + lane] = seeder.NextUInt64();
                any |= state[4 * k + lane];
            }
            // An all-zero state is the one fixed point of xoshiro; astronomically unlikely, but cheap to exclude.
            if (any == 0) state[lane] = 1;
        }
        _s0 = Vector256.Create(state[0], state[1], state[2], state[3]);
        _s1 = Vector256.Create(state[4], state[5], state[6], state[7]);
        _s2 = Vector256.Create(state[8], state[9], state[10], state[11]);
        _s3 = Vector256.Create(state[12], state[13], state[14], state[15]);
    }

    /// <summary>Advances all lanes and returns their 4 × 64 output bits as 32 uniform bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<sbyte> NextBytes()
    {
        Vector256<ulong> s1 = _s1;
        Vector256<ulong> times5 = (s1 << 2) + s1;
        Vector256<ulong> rotated = (times5 << 7) | (times5 >>> 57);
        Vector256<ulong> result = (rotated << 3) + rotated;
        Vector256<ulong> t = s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = (_s3 << 45) | (_s3 >>> 19);
        return result.AsSByte();
    }
}
