using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Relaxation;

/// <summary>ln cosh and tanh that stay finite and accurate for any |x| (cosh overflows beyond |x| ≈ 710).</summary>
public static class RelaxedMath
{
    /// <summary>ln 2.</summary>
    public const double Ln2 = 0.69314718055994530942;

    /// <summary>ln cosh x = |x| − ln 2 + ln(1 + e^{−2|x|}), which never overflows.</summary>
    public static double LnCosh(double x)
    {
        double a = Math.Abs(x);
        // Near 0, ln cosh x = ln(1 + u) with u = cosh x − 1 = 2 sinh²(x/2) computed without cancellation, and
        // ln(1 + u) by Goldberg's correction, so the x²/2 behaviour stays accurate to relative precision.
        if (a < 0.5)
        {
            double sh = Math.Sinh(0.5 * a);
            double u = 2 * sh * sh;
            double w = 1 + u;
            return w == 1 ? u : Math.Log(w) * u / (w - 1);
        }
        return a - Ln2 + Math.Log(1 + Math.Exp(-2 * a));
    }

    /// <summary>tanh x (saturates to ±1 without overflow).</summary>
    public static double Tanh(double x) => Math.Tanh(x);

    /// <summary>P(s = +1 | x) = e^{x} / (2 cosh x) = 1 / (1 + e^{−2x}).</summary>
    public static double SpinUpProbability(double x) => 1.0 / (1.0 + Math.Exp(-2 * x));

    /// <summary>
    /// For one configuration: returns Σ ln cosh x_i and writes gradient_i = y_i − tanh x_i, accumulating
    /// ½ Σ x_i y_i into <paramref name="quadratic"/>. The fused, vectorised kernel of the relaxed energy.
    /// </summary>
    internal static double LnCoshSumAndGradient(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> gradient, out double quadratic)
    {
        int n = x.Length, i = 0;
        double lnCosh = 0, quad = 0;
        bool withGradient = !gradient.IsEmpty;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double rx = ref MemoryMarshal.GetReference(x);
            ref double ry = ref MemoryMarshal.GetReference(y);
            ref double rg = ref MemoryMarshal.GetReference(gradient);
            var accL = Vector256<double>.Zero;
            var accQ = Vector256<double>.Zero;
            var one = Vector256<double>.One;
            var minusTwo = Vector256.Create(-2.0);
            for (; i <= n - 4; i += 4)
            {
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                var vy = Vector256.LoadUnsafe(ref ry, (nuint)i);
                var a = Vector256.Abs(vx);
                var e = ExpNonPositive(a * minusTwo);
                // |x| + ln(1 + e^{−2|x|}); the constant −ln 2 per site is added once at the end.
                accL += a + Log1PUnit(e);
                accQ = Vector256.FusedMultiplyAdd(vx, vy, accQ);
                if (withGradient)
                {
                    var t = Vector256.CopySign((one - e) / (one + e), vx);
                    (vy - t).StoreUnsafe(ref rg, (nuint)i);
                }
            }
            lnCosh = Vector256.Sum(accL);
            quad = Vector256.Sum(accQ);
        }
        for (; i < n; i++)
        {
            double a = Math.Abs(x[i]);
            lnCosh += a + Math.Log(1 + Math.Exp(-2 * a));
            quad += x[i] * y[i];
            if (withGradient) gradient[i] = y[i] - Math.Tanh(x[i]);
        }
        quadratic = 0.5 * quad;
        return lnCosh - n * Ln2;
    }

    /// <summary>Writes tanh x_i for every site (vectorised; exact ±1 saturation for large |x|).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> tanh)
    {
        if (tanh.Length < x.Length) throw new ArgumentException("output shorter than input", nameof(tanh));
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            ref double rx = ref MemoryMarshal.GetReference(x);
            ref double rt = ref MemoryMarshal.GetReference(tanh);
            var one = Vector256<double>.One;
            var minusTwo = Vector256.Create(-2.0);
            for (; i <= n - 4; i += 4)
            {
                var vx = Vector256.LoadUnsafe(ref rx, (nuint)i);
                var e = ExpNonPositive(Vector256.Abs(vx) * minusTwo);
                Vector256.CopySign((one - e) / (one + e), vx).StoreUnsafe(ref rt, (nuint)i);
            }
        }
        for (; i < n; i++) tanh[i] = Math.Tanh(x[i]);
    }

    // The relaxed energy only needs e^z for z ≤ 0 and ln(1 + e) for e in [0, 1]; these narrow-range kernels
    // skip the general range handling of Vector256.Exp/Log, which makes them faster.

    /// <summary>e^z for z ≤ 0 (inputs below −708 give e^{−708} ≈ 3e−308, effectively 0), to ~1 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ExpNonPositive(Vector256<double> z)
    {
        const double Log2E = 1.4426950408889634;
        const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
        const double Magic = 6755399441055744.0; // 1.5·2^52: adding it rounds to an integer kept in the low mantissa bits
        z = Vector256.Max(z, Vector256.Create(-708.0));
        var t = Vector256.FusedMultiplyAdd(z, Vector256.Create(Log2E), Vector256.Create(Magic));
        var k = t - Vector256.Create(Magic);
        // r = z − k ln 2 in two parts (Cody–Waite), |r| ≤ ln2/2.
        var r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2Hi), z);
        r = Vector256.FusedMultiplyAdd(k, Vector256.Create(-Ln2Lo), r);
        // Taylor series to r¹²/12!: truncation below 2e−16 relative on |r| ≤ 0.347.
        var p = Vector256.Create(1.0 / 479001600);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 39916800));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 3628800));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 362880));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 40320));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 5040));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 720));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 120));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 24));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(1.0 / 6));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256.Create(0.5));
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        p = Vector256.FusedMultiplyAdd(p, r, Vector256<double>.One);
        // 2^k from the integer in t's low bits: no double→int64 conversion (AVX2 has none).
        var ki = t.AsInt64() - Vector256.Create(Magic).AsInt64();
        var scale = Vector256.ShiftLeft(ki + Vector256.Create(1023L), 52).AsDouble();
        return p * scale;
    }

    /// <summary>ln(1 + e) for 0 ≤ e ≤ 1, as 2 atanh(s) with s = e/(2 + e) ≤ 1/3, to ~1 ulp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> Log1PUnit(Vector256<double> e)
    {
        var s = e / (Vector256.Create(2.0) + e);
        var s2 = s * s;
        // 2s Σ_{j=0}^{16} s^{2j}/(2j+1): the first omitted term is below 2e−18 relative for s ≤ 1/3.
        var p = Vector256.Create(1.0 / 33);
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 31));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 29));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 27));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 25));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 23));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 21));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 19));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 17));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 15));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 13));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 11));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 9));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 7));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 5));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256.Create(1.0 / 3));
        p = Vector256.FusedMultiplyAdd(p, s2, Vector256<double>.One);
        return (s + s) * p;
    }
}
