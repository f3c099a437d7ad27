using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Numerics;

/// <summary>Float sin, cos and exp on eight lanes from plain Vector256 arithmetic and fused multiply-adds (exactly rounded in hardware or software alike): the one place for these kernels.</summary>
internal static class VectorMath
{

    /// <summary>sin x and cos x for |x| ≤ π/2 (Taylor to x¹¹ and x¹²; error below 3·10⁻⁷); sin is odd and cos even bit for bit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (Vector256<float> Sin, Vector256<float> Cos) SinCosHalfPi(Vector256<float> x)
    {
        Vector256<float> x2 = x * x;
        Vector256<float> sin = Vector256.Create(-1f / 39916800);
        sin = Vector256.FusedMultiplyAdd(sin, x2, Vector256.Create(1f / 362880));
        sin = Vector256.FusedMultiplyAdd(sin, x2, Vector256.Create(-1f / 5040));
        sin = Vector256.FusedMultiplyAdd(sin, x2, Vector256.Create(1f / 120));
        sin = Vector256.FusedMultiplyAdd(sin, x2, Vector256.Create(-1f / 6));
        sin = Vector256.FusedMultiplyAdd(sin * x2, x, x);
        Vector256<float> cos = Vector256.Create(1f / 479001600);
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256.Create(-1f / 3628800));
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256.Create(1f / 40320));
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256.Create(-1f / 720));
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256.Create(1f / 24));
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256.Create(-0.5f));
        cos = Vector256.FusedMultiplyAdd(cos, x2, Vector256<float>.One);
        return (sin, cos);
    }

    /// <summary>
    /// e^x for x ≤ 0, absolute error ≲ 2·10⁻⁷·e^x: x is clamped at −87 so 2ⁿ stays normal; n = round(x/ln2) by the
    /// 1.5·2²³ magic-number trick (n lands in the low mantissa bits); r = x − n·ln2 with a single constant, which costs
    /// relative accuracy only where e^x is negligible; e^r = 1 + r·q(r) with q a degree-4 Chebyshev fit of (e^r − 1)/r on
    /// |r| ≤ ln2/2 (relative error 2·10⁻⁷, and e^0 = 1 exactly). The flows' ELU and tanh and the XY Metropolis
    /// acceptance share it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNonPositive(Vector256<float> x)
    {
        x = Vector256.MaxNative(x, Vector256.Create(-87f));
        var magic = Vector256.Create(12582912f);
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(1.442695041f), magic);
        var n = t - magic;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.6931471806f), x);
        var q = Vector256.FusedMultiplyAdd(Vector256.Create(8.363173343e-3f), r, Vector256.Create(4.187564552e-2f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(1.666657776e-1f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(4.999937117e-1f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);
        var p = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);
        return (p.AsInt32() + Vector256.ShiftLeft(t.AsInt32(), 23)).AsSingle();
    }
}
