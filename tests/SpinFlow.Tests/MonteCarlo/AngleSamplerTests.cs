using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;
using static SpinFlow.Tests.MonteCarlo.SamplerRuns;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Clock and XY reference Monte Carlo against exact results and against each other (4σ, fixed seeds).</summary>
public sealed class AngleSamplerTests
{
    private static AngleMcmcResult Run(string model, SpinAlgorithm algorithm, int size, double t, int sweeps, ulong seed, int thermalize = 500) =>
        AngleChainRun.Run(SpinModel.Parse(model), new McmcOptions(size, t, algorithm, sweeps, thermalize, 1, seed));

    private static void AssertAgree(string what, Estimate a, Estimate b) => SamplerRuns.AssertAgree(what, a, b);

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis)]
    [InlineData(SpinAlgorithm.Wolff)]
    public void ClockTwoOnFourByFourMatchesIsingEnumeration(SpinAlgorithm algorithm)
    {
        // L = 4 takes the checkerboard path; every observable is known exactly.
        var r = Run("clock:2", algorithm, 4, 2.5, 40000, 11).Observables;
        var exact = IsingEnumeration.Compute(4, 2.5);
        AssertWithin4Sigma("⟨e⟩", r.Base.Energy, exact.Energy);
        AssertWithin4Sigma("c", r.Base.SpecificHeat, exact.SpecificHeat);
        AssertWithin4Sigma("⟨m²⟩", r.Base.M2, exact.M2);
        AssertWithin4Sigma("⟨|m|⟩", r.Base.AbsM, exact.AbsM);
        AssertWithin4Sigma("U₄", r.Base.Binder, exact.Binder);
        // sin(θ_i − θ_j) = 0 for ±1 spins, so Υ = −e/2 configuration by configuration.
        Assert.Equal(-r.Base.Energy.Mean / 2, r.Helicity.Mean, 12);
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis)]
    [InlineData(SpinAlgorithm.Wolff)]
    public void ClockTwoAgreesWithTodaysIsingPathAndTheExactSolution(SpinAlgorithm algorithm)
    {
        const int l = 8;
        const double t = 2.5;
        var clock = Run("clock:2", algorithm, l, t, 20000, 12).Observables.Base;
        var ising = Analyze(new Wolff(l, t, 13), 200, 20000);
        var exact = KaufmanSolution.Compute(l, t);
        AssertWithin4Sigma("⟨e⟩", clock.Energy, exact.Energy);
        AssertWithin4Sigma("c", clock.SpecificHeat, exact.SpecificHeat);
        AssertAgree("⟨m²⟩ vs Ising Wolff", clock.M2, ising.M2);
        AssertAgree("⟨|m|⟩ vs Ising Wolff", clock.AbsM, ising.AbsM);
        AssertAgree("χ vs Ising Wolff", clock.Susceptibility, ising.Susceptibility);
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 1.2, 30000)]
    [InlineData(SpinAlgorithm.Wolff, 1.2, 20000)]
    [InlineData(SpinAlgorithm.Wolff, 1.0, 20000)]
    public void ClockFourMatchesTheExactSolutionAndTwoIsingModels(SpinAlgorithm algorithm, double t, int sweeps)
    {
        const int l = 16;
        var clock = Run("clock:4", algorithm, l, t, sweeps, 21).Observables.Base;
        var exact = ClockExact.Compute(SpinModel.Clock(4), l, t);
        AssertWithin4Sigma("⟨e⟩", clock.Energy, exact.Energy);
        AssertWithin4Sigma("c", clock.SpecificHeat, exact.SpecificHeat);
        // ⟨m²⟩₄(T) = ⟨m²⟩ of one Ising model at 2T, here from today's Ising Wolff.
        var ising = Analyze(new Wolff(l, 2 * t, 22), 200, 20000);
        AssertAgree("⟨m²⟩ vs Ising Wolff at 2T", clock.M2, ising.M2);
    }

    [Theory]
    [InlineData(3, SpinAlgorithm.Metropolis, 0.8)]
    [InlineData(3, SpinAlgorithm.Wolff, 0.8)]
    [InlineData(6, SpinAlgorithm.Metropolis, 0.9)]
    [InlineData(6, SpinAlgorithm.Wolff, 0.9)]
    [InlineData(6, SpinAlgorithm.Wolff, 2.0)]
    public void ClockMatchesEnumerationOnThreeByThree(int q, SpinAlgorithm algorithm, double t)
    {
        var r = Run($"clock:{q}", algorithm, 3, t, 40000, 31).Observables;
        var exact = ClockEnumeration.Compute(new ClockModel(q), 3, t)[0];
        AssertWithin4Sigma("⟨e⟩", r.Base.Energy, exact.Energy);
        AssertWithin4Sigma("c", r.Base.SpecificHeat, exact.SpecificHeat);
        AssertWithin4Sigma("⟨m²⟩", r.Base.M2, exact.M2);
        AssertWithin4Sigma("⟨|m|⟩", r.Base.AbsM, exact.AbsM);
        AssertWithin4Sigma("χ", r.Base.Susceptibility, exact.Susceptibility);
        AssertWithin4Sigma("Υ", r.Helicity, exact.Helicity);
        if (exact.VortexDensity > 1e-3) AssertWithin4Sigma("vortex density", r.VortexDensity, exact.VortexDensity);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.2)]
    public void XyMetropolisAgreesWithXyWolff(double t)
    {
        var metropolis = Run("xy", SpinAlgorithm.Metropolis, 8, t, 30000, 41).Observables;
        var wolff = Run("xy", SpinAlgorithm.Wolff, 8, t, 20000, 42).Observables;
        AssertAgree("⟨e⟩", metropolis.Base.Energy, wolff.Base.Energy);
        AssertAgree("c", metropolis.Base.SpecificHeat, wolff.Base.SpecificHeat);
        AssertAgree("⟨m²⟩", metropolis.Base.M2, wolff.Base.M2);
        AssertAgree("Υ", metropolis.Helicity, wolff.Helicity);
        AssertAgree("vortex density", metropolis.VortexDensity, wolff.VortexDensity);
    }

    [Fact]
    public void XyOnThreeByThreeAgreesWithClockOfManyStates()
    {
        // clock:Q → XY as Q grows; on 3×3 at T = 1 clock:64 differs from XY far below the error bars, and the odd L
        // exercises the random-site path of both Metropolis samplers.
        var xy = Run("xy", SpinAlgorithm.Metropolis, 3, 1.0, 40000, 43).Observables;
        var clock = Run("clock:64", SpinAlgorithm.Metropolis, 3, 1.0, 40000, 44).Observables;
        AssertAgree("⟨e⟩", xy.Base.Energy, clock.Base.Energy);
        AssertAgree("⟨m²⟩", xy.Base.M2, clock.Base.M2);
        AssertAgree("Υ", xy.Helicity, clock.Helicity);
    }

    [Theory]
    [InlineData("clock:5", SpinAlgorithm.Metropolis)]
    [InlineData("clock:5", SpinAlgorithm.Wolff)]
    [InlineData("xy", SpinAlgorithm.Metropolis)]
    [InlineData("xy", SpinAlgorithm.Wolff)]
    public void ChainsAreReproducibleForASeed(string model, SpinAlgorithm algorithm)
    {
        var a = Run(model, algorithm, 6, 1.0, 200, 7, 100);
        var b = Run(model, algorithm, 6, 1.0, 200, 7, 100);
        var c = Run(model, algorithm, 6, 1.0, 200, 8, 100);
        Assert.Equal(a.Energy, b.Energy);
        Assert.Equal(a.Helicity, b.Helicity);
        Assert.NotEqual(a.Energy, c.Energy);
    }

    [Fact]
    public void XyWindowIsFrozenAfterTuning()
    {
        var s = new XyMetropolis(8, 0.5, 3);
        for (int i = 0; i < s.TuningSweeps; i++) s.Sweep();
        double window = s.Window;
        Assert.True(window < Math.PI, "at T = 0.5 the tuned window is narrower than uniform proposals");
        for (int i = 0; i < 50; i++) s.Sweep();
        Assert.Equal(window, s.Window);
    }

    [Fact]
    public void WolffClustersPerSweepAreFixedAfterCalibration()
    {
        var s = new XyWolff(8, 1.0, 3);
        for (int i = 0; i < s.TuningSweeps; i++) s.Sweep();
        int k = s.ClustersPerSweep;
        Assert.True(k >= 1);
        long before = s.SpinUpdates;
        s.Sweep();
        Assert.Equal(k, s.ClustersPerSweep);
        Assert.True(s.SpinUpdates - before >= k);
    }

    [Fact]
    public void SwendsenWangIsRefusedForAngleModels()
    {
        var e = Assert.Throws<ArgumentException>(() => AngleSamplers.Create(SpinModel.Xy, SpinAlgorithm.SwendsenWang, 8, 1.0, 1));
        Assert.Contains("metropolis or wolff", e.Message);
    }
}
