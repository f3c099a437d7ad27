using SpinFlow.Exact;
using SpinFlow.Lattice;

namespace SpinFlow.Tests.Exact;

public sealed class ClockExactTests
{
    private static readonly ClockModel Two = new(2), Four = new(4);

    [Theory]
    [InlineData(3, 1.5)]
    [InlineData(3, 2.269185314213022)]
    [InlineData(4, 3.0)]
    public void ClockTwoEnumerationIsIsingEnumeration(int l, double t)
    {
        var c = ClockEnumeration.Compute(Two, l, t)[0];
        var i = IsingEnumeration.Compute(l, t);
        Assert.Equal(i.LnZ, c.LnZ, 9);
        Assert.Equal(i.Energy, c.Energy, 11);
        Assert.Equal(i.SpecificHeat, c.SpecificHeat, 10);
        Assert.Equal(i.M2, c.M2, 11);
        Assert.Equal(i.AbsM, c.AbsM, 11);
        Assert.Equal(i.M4, c.M4, 11);
        // sin(θ_i − θ_j) vanishes for ±1 spins: Υ = ⟨Σ cos⟩/(2N) = −⟨e⟩/2.
        Assert.Equal(-i.Energy / 2, c.Helicity, 11);
    }

    [Theory]
    [InlineData(2, 0.8)]
    [InlineData(3, 1.1346)]
    [InlineData(3, 2.0)]
    public void ClockFourEnumerationIsTwoIsingModelsAtTwiceTheTemperature(int l, double t)
    {
        var c = ClockEnumeration.Compute(Four, l, t)[0];
        var i = IsingEnumeration.Compute(l, 2 * t);
        int n = l * l;
        Assert.Equal(2 * i.LnZ / n, c.LnZ / n, 10);
        Assert.Equal(i.Energy, c.Energy, 10);
        Assert.Equal(2 * i.SpecificHeat, c.SpecificHeat, 8);
        Assert.Equal(i.M2, c.M2, 10);
        Assert.Equal(0.5 * (i.M4 + i.M2 * i.M2), c.M4, 10);
        // The Kaufman-based solution on even L, checked against the enumeration where both exist.
        if (l % 2 == 0)
        {
            var k = ClockExact.Compute(Four, l, t);
            Assert.Equal(c.LnZ / n, k.LnZPerSite, 9);
            Assert.Equal(c.Energy, k.Energy, 9);
            Assert.Equal(c.SpecificHeat, k.SpecificHeat, 8);
        }
    }

    [Fact]
    public void ClockFourSolutionMatchesEnumerationOnFourByFourViaIsing()
    {
        // 4^16 states are too many for a unit test; Ising enumeration at 2T is the independent value.
        var k = ClockExact.Compute(Four, 4, 1.3);
        var i = IsingEnumeration.Compute(4, 2.6);
        Assert.Equal(2 * i.LnZ / 16, k.LnZPerSite, 10);
        Assert.Equal(i.Energy, k.Energy, 10);
        Assert.Equal(2 * i.SpecificHeat, k.SpecificHeat, 9);
    }

    [Fact]
    public void EnumerationHandlesSeveralTemperaturesInOnePass()
    {
        var both = ClockEnumeration.Compute(new ClockModel(3), 3, 0.7, 1.4);
        var one = ClockEnumeration.Compute(new ClockModel(3), 3, 1.4)[0];
        Assert.Equal(one, both[1]);
        Assert.True(both[0].Energy < both[1].Energy);
    }

    [Fact]
    public void HighTemperatureLimitOfTheClockModel()
    {
        // β → 0: independent uniform states, ⟨e⟩ = 0, ⟨m²⟩ = 1/N (for Q ≥ 3, E[s_i·s_j] = δ_ij), ln Z/N = ln Q.
        var r = ClockEnumeration.Compute(new ClockModel(5), 3, 1e6)[0];
        Assert.Equal(0, r.Energy, 5);
        Assert.Equal(1.0 / 9, r.M2, 5);
        Assert.Equal(Math.Log(5), r.LnZ / 9, 5);
    }

    [Fact]
    public void TooLargeAnEnumerationIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClockEnumeration.Compute(new ClockModel(6), 4, 1.0));
        Assert.Throws<ArgumentException>(() => ClockExact.Compute(new ClockModel(3), 4, 1.0));
    }
}
