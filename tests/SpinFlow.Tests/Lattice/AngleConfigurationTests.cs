using SpinFlow.Lattice;

namespace SpinFlow.Tests.Lattice;

public sealed class AngleConfigurationTests
{
    [Fact]
    public void OrderedStateHasGroundEnergyFullMagnetisationAndNoVortices()
    {
        int l = 4, n = l * l;
        var cos = Enumerable.Repeat(Math.Cos(0.3), n).ToArray();
        var sin = Enumerable.Repeat(Math.Sin(0.3), n).ToArray();
        var m = AngleConfiguration.Measure(cos, sin, l, AngleConfiguration.VortexDensity(Enumerable.Repeat(0.3, n).ToArray(), l));
        Assert.Equal(-2.0, m.Energy, 12);
        Assert.Equal(1.0, m.AbsM, 12);
        Assert.Equal(1.0, m.BondCos, 12);
        Assert.Equal(0.0, m.BondSin2, 12);
        Assert.Equal(0.0, m.VortexDensity);
    }

    [Fact]
    public void OneVortexAroundAPlaquetteIsCountedOnceByBothRepresentations()
    {
        // clock:4 on 4×4: the plaquette (0,0),(0,1),(1,1),(1,0) carries states 0,1,2,3 going round, everything else 0.
        int l = 4, n = l * l;
        var states = new byte[n];
        states[1] = 1;
        states[l + 1] = 2;
        states[l] = 3;
        double clock = AngleConfiguration.VortexDensity(states, 4, l);
        var angles = states.Select(k => 2 * Math.PI * k / 4).ToArray();
        double xy = AngleConfiguration.VortexDensity(angles, l);
        Assert.Equal(clock, xy);
        Assert.True(clock > 0);
        // A winding of +2π around that plaquette; the neighbouring plaquettes must compensate (total winding is 0 on a torus).
        Assert.Equal(0, (int)Math.Round(clock * n) % 2);
    }
}
