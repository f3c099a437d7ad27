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
                var e = Vector256.Exp(a * minusTwo);
                // |x| + ln(1 + e^{−2|x|}); the constant −ln 2 per site is added once at the end.
                accL += a + Vector256.Log(one + e);
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
                var e = Vector256.Exp(Vector256.Abs(vx) * minusTwo);
                Vector256.CopySign((one - e) / (one + e), vx).StoreUnsafe(ref rt, (nuint)i);
            }
        }
        for (; i < n; i++) tanh[i] = Math.Tanh(x[i]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Square(double v) => v * v;
}
