namespace SpinFlow.Exact;

/// <summary>
/// Onsager's infinite-lattice results for the square-lattice Ising model (J = k_B = 1), per site: the reference that
/// finite-size data approach away from T_c.
/// </summary>
/// <remarks>
/// With K = 1/T, κ = 2 sinh 2K / cosh² 2K and κ' = |1 − sinh² 2K| / cosh² 2K = √(1 − κ²) (Onsager 1944; Huang,
/// Statistical Mechanics §15):
/// u = −coth 2K [1 + (2/π)(2 tanh² 2K − 1) K(κ)],
/// c = (4/π)(K coth 2K)² {K(κ) − E(κ) − (1 − tanh² 2K)[π/2 + (2 tanh² 2K − 1) K(κ)]} (= −K² du/dK, using
/// dK(κ)/dκ = E/(κκ'²) − K/κ; some textbooks print the last term with half this weight, which fails that check),
/// ln Z/N = ln(2 cosh 2K) + (1/2π) ∫₀^π ln[½(1 + √(1 − κ² sin² θ))] dθ.
/// </remarks>
public static class Onsager
{
    /// <summary>T_c = 2/ln(1 + √2).</summary>
    public const double CriticalTemperature = 2.269185314213022;

    /// <summary>Internal energy per site u(T) = ⟨H⟩/N of the infinite lattice; −√2 at T_c.</summary>
    public static double Energy(double temperature)
    {
        var m = Moduli(temperature);
        // (2/π)(2 tanh² 2K − 1) K(κ) = ±κ'/AGM(1, κ'), which tends to 0 (like κ' ln κ') at T_c.
        double term = m.KappaPrime == 0 ? 0 : m.Sign * m.KappaPrime * 2 / Math.PI * Elliptic(m).K;
        return -m.Coth2K * (1 + term);
    }

    /// <summary>Specific heat per site c(T) of the infinite lattice; +∞ at T_c (logarithmic divergence).</summary>
    public static double SpecificHeat(double temperature)
    {
        var m = Moduli(temperature);
        if (m.KappaPrime == 0) return double.PositiveInfinity;
        var (kk, ee) = Elliptic(m);
        double kc = m.K * m.Coth2K;
        return 4 / Math.PI * kc * kc * (kk - ee - m.Sech2Squared * (Math.PI / 2 + m.Sign * m.KappaPrime * kk));
    }

    /// <summary>Spontaneous magnetisation per site (Yang 1952): (1 − sinh⁻⁴ 2K)^{1/8} below T_c, 0 above.</summary>
    public static double SpontaneousMagnetization(double temperature)
    {
        CheckTemperature(temperature);
        if (temperature >= CriticalTemperature) return 0;
        double r2 = 1 / Math.Sinh(2 / temperature);
        r2 *= r2;
        double x = (1 - r2) * (1 + r2);
        return x <= 0 ? 0 : Math.Pow(x, 0.125);
    }

    /// <summary>ln Z/N of the infinite lattice, by quadrature of Onsager's integral (about 1e-15 absolute).</summary>
    public static double LnZPerSite(double temperature)
    {
        var m = Moduli(temperature);
        // θ → π/2 − φ and symmetry about π/2: (1/π) ∫₀^{π/2} ln[½(1 + √(κ'² + κ² sin² φ))] dφ. Near T_c the integrand has a
        // near-kink of width κ'/κ at φ = 0, so the panels shrink geometrically towards 0; on a panel [a, 2a] the nearest
        // singularity, at ±iκ'/κ, never comes closer than the panel's own length and Gauss–Legendre converges fast.
        double kp2 = m.KappaPrime * m.KappaPrime, k2 = m.Kappa * m.Kappa;
        double sum = 0, hi = Math.PI / 2;
        for (int panel = 0; panel < QuadraturePanels; panel++)
        {
            double lo = panel == QuadraturePanels - 1 ? 0 : 0.5 * hi;
            double mid = 0.5 * (hi + lo), halfWidth = 0.5 * (hi - lo);
            double part = 0;
            for (int i = 0; i < GaussNodes.Length; i++)
            {
                double phi = mid + halfWidth * GaussNodes[i];
                double sn = Math.Sin(phi);
                part += GaussWeights[i] * Math.Log(0.5 * (1 + Math.Sqrt(kp2 + k2 * sn * sn)));
            }
            sum += halfWidth * part;
            hi = lo;
        }
        // ln(2 cosh 2K) = 2K + ln(1 + e^{−4K}).
        return 2 * m.K + PreciseMath.LogOnePlus(Math.Exp(-4 * m.K)) + sum / Math.PI;
    }

    private const int QuadraturePanels = 48;

    private readonly record struct EllipticModuli(double K, double Kappa, double KappaPrime, double Sign, double Coth2K,
        double Sech2Squared);

    private static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsPositiveInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
    }

    private static EllipticModuli Moduli(double temperature)
    {
        CheckTemperature(temperature);
        double k = 1 / temperature;
        // Written in s = sinh 2K below T_c's side s ≤ 1 and in r = 1/s above it, so nothing overflows at either end.
        double s = Math.Sinh(2 * k);
        double kappa, kappaPrime, sech2Sq;
        if (s <= 1)
        {
            double d = 1 + s * s;
            kappa = 2 * s / d;
            kappaPrime = (1 - s) * (1 + s) / d;
            sech2Sq = 1 / d;
        }
        else
        {
            double r = 1 / s, d = 1 + r * r;
            kappa = 2 * r / d;
            kappaPrime = (1 - r) * (1 + r) / d;
            sech2Sq = r * r / d;
        }
        return new EllipticModuli(k, kappa, kappaPrime, s > 1 ? 1 : -1, 1 / Math.Tanh(2 * k), sech2Sq);
    }

    private static (double K, double E) Elliptic(EllipticModuli m) =>
        PreciseMath.CompleteEllipticIntegrals(m.Kappa, m.KappaPrime);

    // 20-point Gauss–Legendre rule on [−1, 1], built once by Newton iteration on P₂₀.
    private static readonly double[] GaussNodes;
    private static readonly double[] GaussWeights;

    static Onsager()
    {
        const int n = 20;
        GaussNodes = new double[n];
        GaussWeights = new double[n];
        for (int i = 0; i < n; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iter = 0; iter < 100; iter++)
            {
                var (p, dp) = Legendre(n, x);
                double dx = p / dp;
                x -= dx;
                if (Math.Abs(dx) < 1e-16) break;
            }
            double d = Legendre(n, x).Derivative;
            GaussNodes[i] = x;
            GaussWeights[i] = 2 / ((1 - x * x) * d * d);
        }
    }

    // P_n(x) by the three-term recurrence, and P_n'(x) from P_n and P_{n−1}.
    private static (double Value, double Derivative) Legendre(int n, double x)
    {
        double p0 = 1, p1 = x;
        for (int j = 2; j <= n; j++)
        {
            double p2 = ((2 * j - 1) * x * p1 - (j - 1) * p0) / j;
            p0 = p1;
            p1 = p2;
        }
        return (p1, n * (x * p1 - p0) / (x * x - 1));
    }
}
