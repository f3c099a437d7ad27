namespace SpinFlow.Exact;

/// <summary>Exact thermodynamics of the periodic L×L Ising model (J = k_B = 1) at one temperature.</summary>
/// <param name="Size">Linear size L (N = L² sites, 2N bonds).</param>
/// <param name="Temperature">Temperature T.</param>
/// <param name="LnZPerSite">ln Z / N.</param>
/// <param name="Energy">⟨e⟩ = ⟨H⟩/N.</param>
/// <param name="SpecificHeat">c = N(⟨e²⟩ − ⟨e⟩²)/T² = Var(H)/(N T²).</param>
public sealed record ExactFiniteSize(int Size, double Temperature, double LnZPerSite, double Energy, double SpecificHeat)
{
    /// <summary>ln Z of the whole lattice.</summary>
    public double LnZ => LnZPerSite * ((double)Size * Size);
}

/// <summary>
/// Kaufman's exact partition function of the periodic L×L square-lattice Ising model, in the form of
/// Ferdinand &amp; Fisher, Phys. Rev. 185, 832 (1969): ln Z, ⟨e⟩ and c for any L ≥ 2 in O(L) operations.
/// </summary>
/// <remarks>
/// Z = ½ (2 sinh 2K)^{N/2} (Z₁ + Z₂ + Z₃ + Z₄) with K = 1/T,
/// Z₁ = Π_{r=0}^{L−1} 2cosh(Lγ_{2r+1}/2), Z₂ = Π 2sinh(Lγ_{2r+1}/2), Z₃ = Π 2cosh(Lγ_{2r}/2), Z₄ = Π 2sinh(Lγ_{2r}/2),
/// cosh γ_l = cosh 2K coth 2K − cos(πl/L) for l ≠ 0 (γ_l &gt; 0), and γ₀ = 2K + ln tanh K, which is negative above
/// T_c and makes Z₄ negative there. The formula holds for odd L and for L = 2 (doubled bonds) as well; both are
/// checked against enumeration.
///
/// Everything is carried in the log domain: each Z_i is held as e^{A₁ + b_i} times mantissas for Z_i, dZ_i/dK and
/// d²Z_i/dK², combined after subtracting the largest exponent. ⟨e⟩ and c come from analytic first and second K-derivatives
/// of every γ_l, never from finite differences. Far from T_c the product formula gives way to the ground-state limit
/// (T &lt; 1/60) and the high-temperature series (T &gt; 200); accuracy in docs/EXACT.md.
/// </remarks>
public static class KaufmanSolution
{
    /// <summary>Exact ln Z/N, ⟨e⟩ and c of the periodic <paramref name="size"/>×<paramref name="size"/> lattice at <paramref name="temperature"/>.</summary>
    public static ExactFiniteSize Compute(int size, double temperature)
    {
        if (size < 2)
            throw new ArgumentOutOfRangeException(nameof(size), size, "the lattice size must be at least 2");
        if (!(temperature > 0) || double.IsPositiveInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");

        double k = 1 / temperature;
        double n = (double)size * size;
        if (k > GroundStateCoupling)
            return GroundStateLimit(size, temperature, k);

        if (k < HighTemperatureCoupling)
            return HighTemperatureLimit(size, temperature, k);

        Evaluate(size, k, out double lnZ, out double dLnZ, out double d2LnZ);
        // Var(H) ≥ 0, but at low T its true value (∝ e^{−8K}) sits below the ~1e-15·N rounding of the sum it comes from.
        return new ExactFiniteSize(size, temperature, lnZ / n, -dLnZ / n, k * k * Math.Max(0, d2LnZ) / n);
    }

    /// <summary>
    /// The temperature at which the exact ⟨e⟩ of the <paramref name="size"/>×<paramref name="size"/> lattice equals
    /// <paramref name="energy"/> (−2 &lt; e &lt; 0); ⟨e⟩ rises monotonically with T because dE/dT = c &gt; 0.
    /// </summary>
    public static double TemperatureAtEnergy(int size, double energy)
    {
        if (size < 2)
            throw new ArgumentOutOfRangeException(nameof(size), size, "the lattice size must be at least 2");
        if (!(energy > -2 && energy < 0))
            throw new ArgumentOutOfRangeException(nameof(energy), energy, "energy per site must lie strictly between −2 and 0");

        // Bracket the root by doubling/halving in T, then safeguarded Newton (slope c) inside the bracket.
        double lo = 1, hi = 1;
        while (Compute(size, lo).Energy > energy)
        {
            lo /= 2;
            if (lo < 1e-3) throw new ArgumentOutOfRangeException(nameof(energy), energy, "energy too close to the ground state to invert");
        }
        while (Compute(size, hi).Energy < energy)
        {
            hi *= 2;
            if (hi > 1e6) throw new ArgumentOutOfRangeException(nameof(energy), energy, "energy too close to zero to invert");
        }

        double t = 0.5 * (lo + hi);
        for (int iter = 0; iter < 100; iter++)
        {
            var r = Compute(size, t);
            double f = r.Energy - energy;
            if (f == 0) return t;
            if (f > 0) hi = t; else lo = t;
            double next = t - f / r.SpecificHeat;
            // Newton leaves the bracket when c is tiny or the curvature is large: bisect instead.
            if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
            if (Math.Abs(next - t) <= 1e-14 * t || hi - lo <= 1e-15 * hi) return next;
            t = next;
        }
        return t;
    }

    // Above this coupling (T < 1/60) the lowest excitations weigh e^{−8K} < 1e-208 relative to the ground state, so the
    // ground-state values with the leading correction are exact in double precision, while the product formula would only
    // return rounding noise for c (amplified by K²).
    private const double GroundStateCoupling = 60;

    private static ExactFiniteSize GroundStateLimit(int size, double temperature, double k)
    {
        double n = (double)size * size;
        // Z = 2e^{2NK}(1 + g e^{−8K} + …): the cheapest excitations cost ΔH = 8, a single flipped spin (g = N). At L = 2,
        // where every bond is doubled, a flipped nearest-neighbour pair costs 8 as well; it is one state for both ground
        // states, so g = N + N/2 = 6 there.
        double mult = size == 2 ? 6 : n;
        double x = Math.Exp(-8 * k);
        return new ExactFiniteSize(size, temperature, 2 * k + (Math.Log(2) + mult * x) / n, -2 + 8 * mult * x / n,
            x > 0 ? 64 * k * k * mult * x / n : 0); // x underflows long before K² overflows: c is then exactly 0 in double
    }

    // Below this coupling (T > 200) the product formula loses ⟨e⟩ to cancellation (its error grows like T²), while the
    // high-temperature series truncated after t⁶ is exact to ~1e-14 (the first omitted term is O(t⁷) in ln Z/N).
    private const double HighTemperatureCoupling = 1.0 / 200;

    /// <summary>
    /// The high-temperature series in t = tanh K: ln Z/N = ln 2 + 2 ln cosh K + Σ_j a_j t^j, a_j = (closed graphs of j
    /// bonds)/N: a₄ = 1 (plaquettes), a₆ = 2 (2×1 rectangles), plus 2/L at j = L for the 2L straight loops around the
    /// torus and, at L = 5, a₇ = 8 for the 2L²(L − 1) loops around it with one step sideways and back. For L ≤ 4 the
    /// loops around the torus are among the shortest graphs, so those sizes are enumerated instead.
    /// </summary>
    private static ExactFiniteSize HighTemperatureLimit(int size, double temperature, double k)
    {
        if (size <= 4)
        {
            var e = IsingEnumeration.Compute(size, temperature);
            return new ExactFiniteSize(size, temperature, e.LnZ / ((double)size * size), e.Energy, e.SpecificHeat);
        }
        double t = Math.Tanh(k), dt = 1 - t * t;
        // ln cosh K = −½ ln(1 − t²), taken without cancellation at small t.
        double f = Math.Log(2) - PreciseMath.LogOnePlus(-t * t);
        double f1 = 2 * t, f2 = 2 * dt;
        foreach (var (j, a) in new[] { (4, 1.0), (6, 2.0), (size, size <= 7 ? 2.0 / size : 0), (7, size == 5 ? 8.0 : 0) })
        {
            if (a == 0) continue;
            double tj2 = Math.Pow(t, j - 2);
            f += a * tj2 * t * t;
            f1 += a * j * tj2 * t * dt;
            f2 += a * j * dt * ((j - 1) * tj2 * dt - 2 * tj2 * t * t);
        }
        return new ExactFiniteSize(size, temperature, f, -f1, k * k * f2);
    }

    /// <summary>γ₀ = 2K + ln tanh K: positive below T_c, negative above.</summary>
    internal static double Gamma0(double k) => 2 * k + Math.Log(Math.Tanh(k));

    /// <summary>ln Z and its first two derivatives with respect to K = 1/T.</summary>
    /// <param name="size">L.</param>
    /// <param name="k">K = 1/T.</param>
    /// <param name="lnZ">ln Z.</param>
    /// <param name="dLnZ">d ln Z/dK = −⟨H⟩.</param>
    /// <param name="d2LnZ">d² ln Z/dK² = Var(H).</param>
    /// <param name="gamma0">Overrides γ₀ (tests force it to exactly 0, which no double K is guaranteed to give).</param>
    internal static void Evaluate(int size, double k, out double lnZ, out double dLnZ, out double d2LnZ, double? gamma0 = null)
    {
        int l0 = size;
        double half = 0.5 * l0;
        double n = (double)l0 * l0;

        // Scaled variables keep every intermediate finite from T → 0 to high T: r = 1/sinh 2K, q² = coth² 2K = 1 + r².
        // With s = sinh 2K, δ_l = cosh γ_l − 1 = (s − 1)²/s + u, u = 1 − cos θ_l, is carried as a = δ_l/s.
        double r = 1 / Math.Sinh(2 * k);
        double r2 = r * r;
        double q2 = 1 + r2;
        double q = Math.Sqrt(q2);
        double omr = 1 - r;
        double omr2 = omr * omr;
        // ln(2 sinh 2K) = 2K + ln(1 − e^{−4K}) without overflow.
        double ln2s = 2 * k + Math.Log(-PreciseMath.ExpMinusOne(-4 * k));
        double lnS = ln2s - Math.Log(2);
        bool sFinite = 2 * k < 700;
        double s = sFinite ? Math.Sinh(2 * k) : double.PositiveInfinity;

        // c(K) = cosh 2K coth 2K; its K-derivatives divided by s (cosh γ_l = c − cos θ_l, so dδ/dK = c', d²δ/dK² = c'').
        double cp = 2 * q * (1 - r2);
        double cpp = 4 * (1 + r2 + 2 * r2 * r2);
        double cp2 = 4 * q2 * (1 - r2) * (1 - r2);
        // sinh³γ₀·γ₀'' / s², the θ-independent part of the numerator of γ_l''.
        double num0 = -4 * omr2 * omr * q2 * q2;
        double twoCm2 = 2 * (1 - r + r2); // (2c − 2)/s

        // Accumulators: D = Σ d ln(factor)/dK, E = Σ d² ln(factor)/dK². A₁ = ln Z₁ is O(N), so a double holding it is
        // off by ~1e-16·N; the weights Z_i/ΣZ need A_i − A₁ far better than that, hence b_i = A_i − A₁ are summed
        // directly, each term entering as a difference of O(L) numbers.
        double a1 = 0, d1 = 0, e1 = 0;          // Z₁: cosh, odd l
        double b2 = 0, d2 = 0, e2 = 0;          // Z₂: sinh, odd l
        double b3 = 0, d3 = 0, e3 = 0;          // Z₃: cosh, even l
        double b4 = 0, d4 = 0, e4 = 0;          // Z₄: sinh, even l ≠ 0 (the l = 0 factor may vanish and is kept apart)

        // γ_l = γ_{2L−l}, so l = 1 … L covers l = 1 … 2L−1 with weight 2, except the self-paired l = L.
        for (int l = 1; l <= l0; l++)
        {
            double w = l == l0 ? 1 : 2;
            double sh = Math.Sin(0.5 * Math.PI * l / l0);
            double u = 2 * sh * sh;
            double a = omr2 + u * r;
            double ws = a * (2 * r + a); // sinh²γ / s²
            double sq = Math.Sqrt(ws);   // sinh γ / s
            // γ = arccosh(1 + δ) = ln(1 + δ + sinh γ), accurate also for the small γ_l near T_c.
            double gamma = sFinite ? PreciseMath.LogOnePlus(s * (a + sq)) : lnS + Math.Log(a + sq + r);
            double g1 = cp / sq;
            // γ'' = [c''·δ(2+δ) − c'²(1+δ)] / sinh³γ, written so that no two large terms cancel near T_c.
            double num = num0 + u * (cpp * (twoCm2 + u * r) - cp2);
            double g2 = r * num / (ws * sq);

            double x = half * gamma, x1 = half * g1, x2 = half * g2;
            double t = Math.Exp(-2 * x);
            double onePlus = 1 + t, oneMinus = -PreciseMath.ExpMinusOne(-2 * x);
            double tanh = oneMinus / onePlus, coth = onePlus / oneMinus;
            double sech2 = 4 * t / (onePlus * onePlus), csch2 = 4 * t / (oneMinus * oneMinus);

            double lc = x + PreciseMath.LogOnePlus(t), ls = x + Math.Log(oneMinus);
            double dc = tanh * x1, ds = coth * x1;
            double ec = sech2 * x1 * x1 + tanh * x2, es = -csch2 * x1 * x1 + coth * x2;
            if ((l & 1) == 1)
            {
                a1 += w * lc; d1 += w * dc; e1 += w * ec;
                // ln(2 sinh x) − ln(2 cosh x) = ln tanh x, taken without forming either O(L) logarithm.
                b2 += w * PreciseMath.LogOnePlus(-2 * t / onePlus); d2 += w * ds; e2 += w * es;
                b3 -= w * lc;
                b4 -= w * lc;
            }
            else
            {
                b3 += w * lc; d3 += w * dc; e3 += w * ec;
                b4 += w * ls; d4 += w * ds; e4 += w * es;
            }
        }

        // l = 0: γ₀ changes sign at T_c, so it cannot come from an arccosh.
        double x0 = half * (gamma0 ?? Gamma0(k));
        double x01 = half * (2 + 2 * r);
        double x02 = half * (-4 * q * r); // γ₀'' = −4 cosh 2K / sinh² 2K
        double ax = Math.Abs(x0);
        double t0 = Math.Exp(-2 * ax);
        double tanh0 = Math.Tanh(x0);
        b3 += ax + PreciseMath.LogOnePlus(t0);
        d3 += tanh0 * x01;
        e3 += (1 - tanh0 * tanh0) * x01 * x01 + tanh0 * x02;
        // 2 sinh x₀ = e^{|x₀|}·h₀ with h₀ = sgn(x₀)(1 − e^{−2|x₀|}); h₁, h₂ are its K-derivatives in the same scale.
        // Keeping the factor as a mantissa (not a logarithm) applies the product rule exactly even when x₀ = 0.
        double h0 = Math.CopySign(-PreciseMath.ExpMinusOne(-2 * ax), x0);
        double h1 = (1 + t0) * x01;
        double h2 = h0 * x01 * x01 + (1 + t0) * x02;

        // Each Z_i is written e^{A₁ + b_i}·m_i with mantissas m_i, m_i', m_i'' of Z_i, dZ_i/dK, d²Z_i/dK², all taken for
        // Z_i·e^{−D₁K}: centring on the slope D₁ = O(N) keeps squares of O(N) numbers from cancelling in the variance.
        double dd2 = d2 - d1, dd3 = d3 - d1, dd4 = d4 - d1;
        double b4All = b4 + ax;
        double amax = Math.Max(Math.Max(0, b2), Math.Max(b3, b4All));
        double f1 = Math.Exp(-amax), f2 = Math.Exp(b2 - amax), f3 = Math.Exp(b3 - amax), f4 = Math.Exp(b4All - amax);
        double s0 = f1 + f2 + f3 + f4 * h0;
        double s1 = f2 * dd2 + f3 * dd3 + f4 * (h1 + h0 * dd4);
        double s2 = f1 * e1 + f2 * (dd2 * dd2 + e2) + f3 * (dd3 * dd3 + e3)
                  + f4 * (h2 + 2 * h1 * dd4 + h0 * (dd4 * dd4 + e4));
        double mean = s1 / s0;

        // Prefactor ½(2 sinh 2K)^{N/2}.
        lnZ = -Math.Log(2) + 0.5 * n * ln2s + a1 + amax + Math.Log(s0);
        dLnZ = n * q + d1 + mean;
        d2LnZ = -2 * n * r2 + s2 / s0 - mean * mean;
    }
}
