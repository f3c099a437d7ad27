using SpinFlow.Exact;

namespace SpinFlow.Tests.Exact;

public class KaufmanSolutionTests
{
    private const double Tc = Onsager.CriticalTemperature;

    // Enumerating L = 5 (2^25 states) takes about a second: do it once for every test that needs it.
    private static readonly Lazy<IsingEnumeration>[] Enumerations =
    [
        new(() => new IsingEnumeration(2)), new(() => new IsingEnumeration(3)),
        new(() => new IsingEnumeration(4)), new(() => new IsingEnumeration(5)),
    ];

    private static IsingEnumeration Enumeration(int size) => Enumerations[size - 2].Value;

    private static void Close(double expected, double actual, double tolerance, string what)
    {
        double scale = Math.Max(1, Math.Abs(expected));
        Assert.True(Math.Abs(actual - expected) <= tolerance * scale,
            $"{what}: expected {expected:R}, got {actual:R} (difference {actual - expected:E2})");
    }

    public static TheoryData<int, double> EnumerationCases()
    {
        var data = new TheoryData<int, double>();
        foreach (int size in new[] { 2, 3, 4, 5 })
            foreach (double t in new[] { 0.5, 1.5, 2.0, Tc, 2.5, 3.5, 10.0 })
                data.Add(size, t);
        return data;
    }

    [Theory]
    [MemberData(nameof(EnumerationCases))]
    public void MatchesEnumeration(int size, double temperature)
    {
        // L = 2 (every bond doubled on the torus) and odd L are covered by the same four-term formula.
        var exact = KaufmanSolution.Compute(size, temperature);
        var brute = Enumeration(size).At(temperature);
        int n = size * size;
        Assert.Equal(size, exact.Size);
        Assert.Equal(temperature, exact.Temperature);
        Close(brute.LnZ / n, exact.LnZPerSite, 1e-12, "ln Z/N");
        Close(brute.LnZ, exact.LnZ, 1e-12, "ln Z");
        Close(brute.Energy, exact.Energy, 1e-12, "energy");
        Close(brute.SpecificHeat, exact.SpecificHeat, 1e-12, "specific heat");
    }

    // Reference values from the same four-term formula evaluated in 90-digit decimal arithmetic (derivatives by central
    // differences with step 1e-25 in K), at the double temperatures given: they pin down rounding, not the formula.
    public static TheoryData<int, double, double, double, double, double> HighPrecisionCases() => new()
    {
        // L, T, ln Z/N, e, c, relative tolerance on c
        { 16, 10.0, 0.703231242285832447436, -0.203377391097367160588, 0.0210223157886745212752, 1e-13 },
        { 64, 1.0, 2.00051750908658920736, -1.99716020411225114728, 0.0233795646865421341554, 1e-13 },
        { 256, 2.3, 0.921577858728103938013, -1.34294085697770149146, 1.83594344632123296357, 1e-13 },
        { 1024, 0.5, 4.00000077364739770047, -1.99999909881165716108, 2.88525527162464634034e-05, 1e-11 },
        { 1024, Tc, 0.929696008609272928069, -1.41482141321652465926, 3.56586287371732035822, 1e-12 },
        { 1024, 2.2695, 0.929609590321089029885, -1.41369274064696970328, 3.60477713678577416090, 1e-12 },
        { 1024, 100.0, 0.693247188893989951808, -0.0200033337601349600621, 2.00100021342781422481e-04, 1e-11 },
    };

    [Theory]
    [MemberData(nameof(HighPrecisionCases))]
    public void MatchesHighPrecisionReference(int size, double temperature, double lnZ, double energy, double c, double cTolerance)
    {
        var r = KaufmanSolution.Compute(size, temperature);
        Assert.Equal(lnZ, r.LnZPerSite, Math.Abs(lnZ) * 1e-14);
        Assert.Equal(energy, r.Energy, Math.Abs(energy) * (temperature > 10 ? 1e-11 : 1e-13));
        Assert.Equal(c, r.SpecificHeat, c * cTolerance);
    }

    [Fact]
    public void ResultsAreSmoothThroughTc()
    {
        // γ₀ changes sign between neighbouring doubles here; nothing may jump.
        double t = Tc;
        for (int i = 0; i < 100; i++) t = Math.BitDecrement(t);
        ExactFiniteSize? previous = null;
        for (int i = 0; i < 200; i++, t = Math.BitIncrement(t))
        {
            var r = KaufmanSolution.Compute(64, t);
            Assert.True(double.IsFinite(r.LnZPerSite) && double.IsFinite(r.Energy) && double.IsFinite(r.SpecificHeat));
            if (previous is not null)
            {
                Close(previous.LnZPerSite, r.LnZPerSite, 1e-14, "ln Z/N continuity");
                Close(previous.Energy, r.Energy, 1e-13, "energy continuity");
                Close(previous.SpecificHeat, r.SpecificHeat, 1e-12, "specific heat continuity");
            }
            previous = r;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void ExactlyVanishingGammaZeroKeepsTheZeroFactorsDerivative(int size)
    {
        // With γ₀ = 0, Z₄ has a zero factor: Z₄ = 0 but dZ₄/dK ≠ 0, and dropping it (log of zero) would shift ⟨e⟩ and c.
        // No double K is guaranteed to give γ₀ = 0 exactly, so force it at K = 1/T_c, where the true γ₀ is ~1e-16.
        double k = 1 / Tc;
        int n = size * size;
        KaufmanSolution.Evaluate(size, k, out double lnZ, out double dLnZ, out double d2LnZ, gamma0: 0.0);
        var brute = Enumeration(size).At(1 / k);
        Close(brute.LnZ, lnZ, 1e-12, "ln Z");
        Close(brute.Energy, -dLnZ / n, 1e-12, "energy");
        Close(brute.SpecificHeat, k * k * d2LnZ / n, 1e-12, "specific heat");

        KaufmanSolution.Evaluate(1024, k, out double lnZ0, out double dLnZ0, out double d2LnZ0, gamma0: 0.0);
        KaufmanSolution.Evaluate(1024, k, out double lnZ1, out double dLnZ1, out double d2LnZ1);
        Close(lnZ1, lnZ0, 1e-14, "ln Z at L = 1024");
        Close(dLnZ1, dLnZ0, 1e-13, "d ln Z/dK at L = 1024");
        Close(d2LnZ1, d2LnZ0, 1e-12, "d² ln Z/dK² at L = 1024");
    }

    [Fact]
    public void EnergyAtTcApproachesMinusSqrtTwoMonotonically()
    {
        double[] sizes = [64, 256, 1024];
        var gaps = sizes.Select(l => KaufmanSolution.Compute((int)l, Tc).Energy + Math.Sqrt(2)).ToArray();
        // Finite lattices at T_c lie below the infinite-lattice energy, by an amount ∝ 1/L.
        Assert.All(gaps, g => Assert.True(g < 0));
        Assert.True(Math.Abs(gaps[0]) > Math.Abs(gaps[1]) && Math.Abs(gaps[1]) > Math.Abs(gaps[2]));
        Assert.True(Math.Abs(gaps[2]) < 1e-3, $"e(1024, T_c) + √2 = {gaps[2]}");
        Close(gaps[1] * 256, gaps[2] * 1024, 1e-2, "L·(e_L + √2)");
    }

    [Fact]
    public void LnZAtTcApproachesOnsager()
    {
        double inf = Onsager.LnZPerSite(Tc);
        var gaps = new[] { 64, 256, 1024 }.Select(l => Math.Abs(KaufmanSolution.Compute(l, Tc).LnZPerSite - inf)).ToArray();
        Assert.True(gaps[0] > gaps[1] && gaps[1] > gaps[2]);
        Assert.True(gaps[2] < 1e-6, $"|ln Z/N(1024) − Onsager| = {gaps[2]}");
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(5.0)]
    public void LargeLatticeAwayFromTcMatchesOnsager(double temperature)
    {
        // Away from T_c the finite-size corrections on the torus decay like e^{−L/ξ}: L = 1024 is the infinite lattice,
        // except that below T_c the two ordered phases leave ln 2 in ln Z.
        const int size = 1024;
        var r = KaufmanSolution.Compute(size, temperature);
        double twoPhases = temperature < Tc ? Math.Log(2) / ((double)size * size) : 0;
        Close(Onsager.LnZPerSite(temperature), r.LnZPerSite - twoPhases, 1e-13, "ln Z/N");
        Close(Onsager.Energy(temperature), r.Energy, 1e-12, "energy");
        Close(Onsager.SpecificHeat(temperature), r.SpecificHeat, 1e-10, "specific heat");
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(Tc)]
    [InlineData(2.5)]
    public void AnalyticDerivativesMatchFiniteDifferencesAtLargeL(double temperature)
    {
        const int size = 256;
        double k = 1 / temperature, h = 2e-6;
        double Ln(double kk) => KaufmanSolution.Compute(size, 1 / kk).LnZPerSite;
        double E(double kk) => KaufmanSolution.Compute(size, 1 / kk).Energy;
        var r = KaufmanSolution.Compute(size, temperature);
        Close(-(Ln(k + h) - Ln(k - h)) / (2 * h), r.Energy, 1e-8, "e = −d(ln Z/N)/dK");
        // c = dE/dT = −K² dE/dK.
        Close(-k * k * (E(k + h) - E(k - h)) / (2 * h), r.SpecificHeat, 1e-6 * r.SpecificHeat, "c = dE/dT");
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(Tc)]
    [InlineData(5.0)]
    [InlineData(100.0)]
    public void LargeLatticeResultsAreFiniteAndPhysical(double temperature)
    {
        var r = KaufmanSolution.Compute(1024, temperature);
        Assert.True(double.IsFinite(r.LnZPerSite) && double.IsFinite(r.Energy) && double.IsFinite(r.SpecificHeat));
        Assert.InRange(r.Energy, -2.0, 0.0);
        Assert.True(r.SpecificHeat >= 0);
        // Z ≥ 2 e^{2NK} (the ground states) and ln Z/N ≥ ln 2 (Jensen: ⟨H⟩ = 0 at infinite temperature).
        Assert.True(r.LnZPerSite >= Math.Max(Math.Log(2), 2 / temperature));
    }

    [Theory]
    [InlineData(5, 250.0)]
    [InlineData(5, 1e4)]
    public void HighTemperatureSeriesMatchesEnumeration(int size, double temperature)
    {
        var exact = Enumeration(size).At(temperature);
        var r = KaufmanSolution.Compute(size, temperature);
        // Enumeration sums O(1) terms, so its rounding is ~1e-15 absolute; ⟨e⟩ itself is O(1/T).
        Close(exact.LnZ / (size * size), r.LnZPerSite, 1e-14, "ln Z/N");
        Assert.True(Math.Abs(exact.Energy - r.Energy) < 1e-14, $"⟨e⟩: enumeration {exact.Energy:R}, series {r.Energy:R}");
        Assert.True(Math.Abs(exact.SpecificHeat - r.SpecificHeat) < 1e-14, $"c: enumeration {exact.SpecificHeat:R}, series {r.SpecificHeat:R}");
    }

    [Theory]
    [InlineData(6)]
    [InlineData(8)]
    [InlineData(64)]
    public void HighTemperatureSeriesJoinsTheProductFormula(int size)
    {
        // Both sides of the switch at T = 200: the product formula (error ~T²·1e-17 in ⟨e⟩) and the series agree there.
        double temperature = 200 * (1 + 1e-9), k = 1 / temperature;
        KaufmanSolution.Evaluate(size, k, out double lnZ, out double dLnZ, out double d2LnZ);
        double n = (double)size * size;
        var series = KaufmanSolution.Compute(size, temperature);
        Close(lnZ / n, series.LnZPerSite, 1e-14, "ln Z/N");
        Assert.True(Math.Abs(-dLnZ / n - series.Energy) < 2e-12, $"⟨e⟩: formula {-dLnZ / n:R}, series {series.Energy:R}");
        Assert.True(Math.Abs(k * k * d2LnZ / n - series.SpecificHeat) < 1e-11 * series.SpecificHeat + 1e-15,
            $"c: formula {k * k * d2LnZ / n:R}, series {series.SpecificHeat:R}");
    }

    [Theory]
    [InlineData(8, 1e50)]
    [InlineData(128, 1e300)]
    [InlineData(3, 1e100)]
    public void ExtremeTemperaturesApproachTheInfiniteTemperatureLimit(int size, double temperature)
    {
        var r = KaufmanSolution.Compute(size, temperature);
        double k = 1 / temperature;
        Close(Math.Log(2), r.LnZPerSite, 1e-15, "ln Z/N");
        // Leading order: ⟨e⟩ = −2K, c = 2K² (L = 2 doubles the bonds; not covered here).
        if (size >= 5)
        {
            Assert.Equal(-2 * k, r.Energy, 1e-12 * 2 * k);
            Assert.Equal(2 * k * k, r.SpecificHeat, 1e-12 * 2 * k * k);
        }
        else
        {
            Assert.True(Math.Abs(r.Energy) < 1e-15 && r.SpecificHeat >= 0 && r.SpecificHeat < 1e-15, $"⟨e⟩ {r.Energy:R}, c {r.SpecificHeat:R}");
        }
    }

    [Theory]
    [InlineData(8, 1e-3)]
    [InlineData(8, 1e-200)]
    [InlineData(2, 1e-300)]
    public void ExtremeLowTemperaturesGiveTheGroundState(int size, double temperature)
    {
        var r = KaufmanSolution.Compute(size, temperature);
        Assert.Equal(-2.0, r.Energy);
        Assert.Equal(0.0, r.SpecificHeat);
        // Z = 2e^{2NK}: ln Z/N = 2K + ln 2 / N, the excitations being below double precision.
        Assert.Equal(2 / temperature + Math.Log(2) / (size * size), r.LnZPerSite, 2 / temperature * 1e-15);
    }

    [Fact]
    public void GroundStateRegimeUsesTheRightExcitationCount()
    {
        // Below T = 1/60 only the ΔH = 8 excitations matter: c = 64 K² (g₈/g₀) e^{−8K} / N with the degeneracies g from
        // enumeration (g₈/g₀ = 6 at L = 2, N otherwise).
        double t = 1.0 / 70, k = 70;
        foreach (int size in new[] { 2, 3, 4 })
        {
            int n = size * size;
            var en = Enumeration(size);
            double g0 = 0, g8 = 0;
            for (int m = -n; m <= n; m++)
            {
                g0 += en.DensityOfStates(-2 * n, m);
                g8 += en.DensityOfStates(-2 * n + 8, m);
            }
            var r = KaufmanSolution.Compute(size, t);
            double expectedC = 64 * k * k * (g8 / g0) * Math.Exp(-8 * k) / n;
            Assert.Equal(expectedC, r.SpecificHeat, expectedC * 1e-12);
            Assert.Equal(-2.0, r.Energy);
            Close(2 * k + Math.Log(2) / n, r.LnZPerSite, 1e-15, "ln Z/N");
        }
        // The switch to the ground-state expressions is seamless.
        double tBelow = 1 / 59.999, tAbove = 1 / 60.001;
        var below = KaufmanSolution.Compute(16, tBelow);
        var above = KaufmanSolution.Compute(16, tAbove);
        Close(below.LnZPerSite - 2 / tBelow, above.LnZPerSite - 2 / tAbove, 1e-13, "ln Z/N − 2K across the switch");
        Assert.Equal(-2.0, below.Energy, 1e-15);
        Assert.True(below.SpecificHeat < 1e-14 && above.SpecificHeat < 1e-14);
    }

    [Theory]
    [InlineData(4, 0.8)]
    [InlineData(4, 3.0)]
    [InlineData(32, 1.5)]
    [InlineData(32, Tc)]
    [InlineData(32, 2.4)]
    [InlineData(32, 8.0)]
    public void TemperatureAtEnergyInvertsTheEnergy(int size, double temperature)
    {
        double e = KaufmanSolution.Compute(size, temperature).Energy;
        Assert.Equal(temperature, KaufmanSolution.TemperatureAtEnergy(size, e), temperature * 1e-10);
    }

    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(0, 2.0)]
    [InlineData(-4, 2.0)]
    [InlineData(4, 0.0)]
    [InlineData(4, -1.0)]
    [InlineData(4, double.NaN)]
    [InlineData(4, double.PositiveInfinity)]
    [InlineData(4, double.NegativeInfinity)]
    public void BadInputThrows(int size, double temperature) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KaufmanSolution.Compute(size, temperature));

    [Theory]
    [InlineData(1, -1.0)]
    [InlineData(4, -2.0)]
    [InlineData(4, -2.5)]
    [InlineData(4, 0.0)]
    [InlineData(4, 0.3)]
    [InlineData(4, double.NaN)]
    public void BadEnergyThrows(int size, double energy) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KaufmanSolution.TemperatureAtEnergy(size, energy));
}
