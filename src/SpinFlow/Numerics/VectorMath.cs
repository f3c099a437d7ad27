using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Numerics;

/// <summary>Float sin, cos and exp on eight lanes from plain Vector256 arithmetic and fused multiply-adds (exactly rounded in hardware or software alike).</summary>
internal static class VectorMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2High = 0.693359375f;     // nine significant bits: n·Ln2High is exact
    private const float Ln2Low = -2.12194440e-4f;

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

    /// <summary>e^(−x) for 0 ≤ x ≤ 20.79 (relative error below 3·10⁻⁷); beyond, e^(−20.79) ≈ 9.4·10⁻¹⁰ instead of anything smaller.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ExpNegative(Vector256<float> x)
    {
        // e^(−x) = 2^n · e^r, n = round(−x·log₂e), r = −x − n·ln2 with ln2 split in two (Cody–Waite) so r keeps its bits.
        x = Vector256.Min(x, Vector256.Create(20.79f));
        Vector256<float> n = Vector256.Round(x * Vector256.Create(-Log2E));
        Vector256<float> r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2Low), Vector256.FusedMultiplyAdd(n, Vector256.Create(-Ln2High), -x));
        Vector256<float> p = Vector256.Create(1f / 720);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1f / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5f));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<float>.One);
        Vector256<int> scale = (Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23;
        return p * scale.AsSingle();
    }
}
