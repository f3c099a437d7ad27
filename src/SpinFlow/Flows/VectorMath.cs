using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpinFlow.Flows;

/// <summary>
/// Element-wise maths on <see cref="Vector256{T}"/> for T = float or double. The type tests are JIT-time constants, so
/// each instantiation compiles to straight-line SIMD code.
/// </summary>
internal static class VectorMath<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static readonly int Count = Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        return a * b + c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Exp(Vector256<T> x)
    {
        if (typeof(T) == typeof(float) && Avx2.IsSupported) return FastExp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(float)) return Vector256.Exp(x.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double)) return Vector256.Exp(x.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    /// <summary>ELU: u for u &gt; 0, e^u − 1 otherwise.</summary>
    /// <remarks>
    /// Written as max(u, 0) + (e^{min(u, 0)} − 1), which is exact in both branches because e^0 evaluates to exactly 1;
    /// it avoids a compare and a blend, which compete with the FMAs for the same execution ports.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Elu(Vector256<T> u)
    {
        // MinNative/MaxNative are single vminps/vmaxps; the IEEE-754 Min/Max add NaN and signed-zero fix-ups.
        var neg = Vector256.MinNative(u, Vector256<T>.Zero);
        Vector256<T> e = typeof(T) == typeof(float) && Avx2.IsSupported ? Numerics.VectorMath.ExpNonPositive(neg.AsSingle()).As<float, T>() : Exp(neg);
        return Vector256.MaxNative(u, Vector256<T>.Zero) + (e - Vector256<T>.One);
    }

    /// <summary>ELU′ expressed through the ELU output v: 1 for v &gt; 0, v + 1 (= e^u) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> EluDerivative(Vector256<T> v) => Vector256.MinNative(v, Vector256<T>.Zero) + Vector256<T>.One;

    /// <summary>tanh x = sign(x)·(1 − e^{−2|x|}) / (1 + e^{−2|x|}): no overflow, absolute error at the working precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Tanh(Vector256<T> x)
    {
        var m = Vector256.Abs(x) * Vector256.Create(T.CreateTruncating(-2.0));
        var e = typeof(T) == typeof(float) && Avx2.IsSupported ? Numerics.VectorMath.ExpNonPositive(m.AsSingle()).As<float, T>() : Exp(m);
        var t = (Vector256<T>.One - e) / (Vector256<T>.One + e);
        return Vector256.CopySign(t, x);
    }

    /// <summary>d0[0..3] += horizontal sums of a0..a3 and d1[0..3] += those of b0..b3 (float: one hadd tree for all eight).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void AddSums(T* d0, T* d1, Vector256<T> a0, Vector256<T> a1, Vector256<T> a2, Vector256<T> a3,
        Vector256<T> b0, Vector256<T> b1, Vector256<T> b2, Vector256<T> b3)
    {
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            var q0 = Avx.HorizontalAdd(Avx.HorizontalAdd(a0.AsSingle(), a1.AsSingle()), Avx.HorizontalAdd(a2.AsSingle(), a3.AsSingle()));
            var q1 = Avx.HorizontalAdd(Avx.HorizontalAdd(b0.AsSingle(), b1.AsSingle()), Avx.HorizontalAdd(b2.AsSingle(), b3.AsSingle()));
            // q0 = [a-sums of lanes 0–3 | a-sums of lanes 4–7], likewise q1; add the halves.
            var s = Avx.Permute2x128(q0, q1, 0x20) + Avx.Permute2x128(q0, q1, 0x31);
            float* f0 = (float*)d0, f1 = (float*)d1;
            Vector128.Store(Vector128.Load(f0) + s.GetLower(), f0);
            Vector128.Store(Vector128.Load(f1) + s.GetUpper(), f1);
            return;
        }
        d0[0] += Vector256.Sum(a0); d0[1] += Vector256.Sum(a1); d0[2] += Vector256.Sum(a2); d0[3] += Vector256.Sum(a3);
        d1[0] += Vector256.Sum(b0); d1[1] += Vector256.Sum(b1); d1[2] += Vector256.Sum(b2); d1[3] += Vector256.Sum(b3);
    }

    /// <summary>d[0..3] += horizontal sums of a0..a3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void AddSums4(T* d, Vector256<T> a0, Vector256<T> a1, Vector256<T> a2, Vector256<T> a3)
    {
        if (typeof(T) == typeof(float) && Avx.IsSupported)
        {
            var q = Avx.HorizontalAdd(Avx.HorizontalAdd(a0.AsSingle(), a1.AsSingle()), Avx.HorizontalAdd(a2.AsSingle(), a3.AsSingle()));
            float* f = (float*)d;
            Vector128.Store(Vector128.Load(f) + q.GetLower() + q.GetUpper(), f);
            return;
        }
        d[0] += Vector256.Sum(a0); d[1] += Vector256.Sum(a1); d[2] += Vector256.Sum(a2); d[3] += Vector256.Sum(a3);
    }

    /// <summary>Horizontal sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> v) => Vector256.Sum(v);

    /// <summary>
    /// e^x in float32 (AVX2) for any x: clamped to [−87, 88] (so 2ⁿ stays a finite normal number; e^x underflows to
    /// ~1e−38 and saturates at ~1.6e38 outside), magic-number rounding, two-constant Cody–Waite reduction and a
    /// degree-6 Chebyshev fit (relative error ≈ 1·10⁻⁸ before rounding): the couplings' e^s and e^{−s} must cancel to
    /// float precision for generation and inference to invert each other.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastExp(Vector256<float> x)
    {
        x = Vector256.MinNative(Vector256.MaxNative(x, Vector256.Create(-87f)), Vector256.Create(88f));
        var magic = Vector256.Create(12582912f);
        var t = Vector256.FusedMultiplyAdd(x, Vector256.Create(1.442695041f), magic);
        var n = t - magic;
        var r = Vector256.FusedMultiplyAdd(n, Vector256.Create(-0.693359375f), x);
        r = Vector256.FusedMultiplyAdd(n, Vector256.Create(2.12194440e-4f), r);
        var q = Vector256.FusedMultiplyAdd(Vector256.Create(1.393364160e-3f), r, Vector256.Create(8.369148709e-3f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(4.166646674e-2f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(1.666650474e-1f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256.Create(0.5f));
        q = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);
        var p = Vector256.FusedMultiplyAdd(q, r, Vector256<float>.One);
        return Avx2.Add(p.AsInt32(), Avx2.ShiftLeftLogical(t.AsInt32(), 23)).AsSingle();
    }
}
