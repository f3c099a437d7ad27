namespace SpinFlow.Relaxation;

/// <summary>
/// The modified Bessel functions the relaxed XY model needs: ln I₀(r) and the ratios I₁(r)/I₀(r) and
/// I₁(r)/(r·I₀(r)), accurate to a few ulp for every r ≥ 0 and free of overflow (I₀ itself overflows beyond r ≈ 713).
/// </summary>
/// <remarks>
/// Below <see cref="AsymptoticFrom"/> both functions come from their power series, whose terms are all positive (no
/// cancellation); above it from Hankel's asymptotic expansion of the scaled functions e^{−r}I_ν(r), whose smallest
/// term there is far below double precision.
/// </remarks>
public static class BesselMath
{
    /// <summary>Argument from which the asymptotic expansion replaces the power series.</summary>
    public const double AsymptoticFrom = 20;

    /// <summary>ln I₀(r) for r ≥ 0 (its argument is a length |x|).</summary>
    public static double LnI0(double r)
    {
        r = Math.Abs(r);
        if (r < AsymptoticFrom)
        {
            Series(r, out double i0, out _);
            return Math.Log(i0);
        }
        Asymptotic(r, out double s0, out _);
        return r - 0.5 * Math.Log(2 * Math.PI * r) + Math.Log(s0);
    }

    /// <summary>A(r) = I₁(r)/I₀(r), the mean resultant length of a von Mises law of concentration r (0 at r = 0, → 1 as r → ∞).</summary>
    public static double Ratio(double r)
    {
        r = Math.Abs(r);
        if (r < AsymptoticFrom)
        {
            Series(r, out double i0, out double i1OverR);
            return r * i1OverR / i0;
        }
        Asymptotic(r, out double s0, out double s1);
        return s1 / s0;
    }

    /// <summary>I₁(r)/(r·I₀(r)), finite at r = 0 (where it is ½): the factor with which ∇ ln I₀(|x|) = x·I₁/(|x| I₀).</summary>
    public static double RatioOverArgument(double r)
    {
        r = Math.Abs(r);
        if (r < AsymptoticFrom)
        {
            Series(r, out double i0, out double i1OverR);
            return i1OverR / i0;
        }
        return Ratio(r) / r;
    }

    /// <summary>ln I₀(r) and I₁(r)/(r·I₀(r)) together (one series evaluation).</summary>
    public static double LnI0AndRatioOverArgument(double r, out double ratioOverArgument)
    {
        r = Math.Abs(r);
        if (r < AsymptoticFrom)
        {
            Series(r, out double i0, out double i1OverR);
            ratioOverArgument = i1OverR / i0;
            return Math.Log(i0);
        }
        Asymptotic(r, out double s0, out double s1);
        ratioOverArgument = s1 / (s0 * r);
        return r - 0.5 * Math.Log(2 * Math.PI * r) + Math.Log(s0);
    }

    // I₀(r) = Σ q^k/(k!)², I₁(r)/r = ½ Σ q^k/(k!(k+1)!), q = r²/4.
    private static void Series(double r, out double i0, out double i1OverR)
    {
        double q = 0.25 * r * r;
        double t0 = 1, t1 = 0.5, s0 = 1, s1 = 0.5;
        for (int k = 1; k < 200; k++)
        {
            t0 *= q / ((double)k * k);
            t1 *= q / ((double)k * (k + 1));
            s0 += t0;
            s1 += t1;
            if (t0 < 1e-17 * s0 && t1 < 1e-17 * s1) break;
        }
        i0 = s0;
        i1OverR = s1;
    }

    // √(2πr) e^{−r} I_ν(r) ~ Σ_k (−1)^k a_k(ν)/r^k, a_k(ν) = Π_{j≤k} (4ν² − (2j − 1)²) / (k! 8^k), for ν = 0 and 1.
    private static void Asymptotic(double r, out double s0, out double s1)
    {
        double t0 = 1, t1 = 1;
        s0 = 1;
        s1 = 1;
        for (int k = 1; k < 60; k++)
        {
            double odd = (2.0 * k - 1) * (2.0 * k - 1);
            double next0 = -t0 * (0 - odd) / (k * 8 * r);
            double next1 = -t1 * (4 - odd) / (k * 8 * r);
            // Past its smallest term the expansion diverges; stop there (never reached for r ≥ 20 at double precision).
            if (Math.Abs(next0) > Math.Abs(t0) || Math.Abs(next1) > Math.Abs(t1)) break;
            t0 = next0;
            t1 = next1;
            s0 += t0;
            s1 += t1;
            if (Math.Abs(t0) < 1e-17 * s0 && Math.Abs(t1) < 1e-17 * Math.Abs(s1)) break;
        }
    }
}
