namespace SpinFlow.Exact;

/// <summary>Elementary functions that the BCL evaluates without the accuracy the exact solutions need.</summary>
internal static class PreciseMath
{
    /// <summary>ln(1 + x), accurate for small |x|.</summary>
    /// <remarks>
    /// double.LogP1 is Log(1 + x), which loses the low bits of x. Dividing by the rounded (1 + x) − 1 cancels the rounding
    /// error of 1 + x (Goldberg, ACM Comput. Surv. 23, 5 (1991), Theorem 4).
    /// </remarks>
    public static double LogOnePlus(double x)
    {
        double u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>e^x − 1, accurate for small |x| (Kahan's ratio trick, the counterpart of <see cref="LogOnePlus"/>).</summary>
    public static double ExpMinusOne(double x)
    {
        if (Math.Abs(x) >= 0.5) return Math.Exp(x) - 1;
        double u = Math.Exp(x);
        if (u == 1) return x;
        return (u - 1) * x / Math.Log(u);
    }

    /// <summary>Complete elliptic integrals K(k) and E(k) of modulus k, given k and k' = √(1 − k²) separately.</summary>
    /// <remarks>
    /// Arithmetic–geometric mean (Abramowitz &amp; Stegun 17.6): K = π/(2 AGM(1, k')), E = K(1 − Σ_n 2^{n−1} c_n²).
    /// Passing k' directly keeps K accurate as k → 1, where 1 − k² would cancel.
    /// </remarks>
    public static (double K, double E) CompleteEllipticIntegrals(double k, double kPrime)
    {
        double a = 1, b = kPrime, c = k;
        double sum = 0.5 * c * c, pow = 0.5;
        for (int n = 0; n < 64 && Math.Abs(c) > 1e-17 * a; n++)
        {
            c = 0.5 * (a - b);
            double an = 0.5 * (a + b);
            b = Math.Sqrt(a * b);
            a = an;
            pow *= 2;
            sum += pow * c * c;
        }
        double kk = Math.PI / (2 * a);
        return (kk, kk * (1 - sum));
    }
}
