using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Lattice;

public class SpinConfigurationTests
{
    [Fact]
    public void AlignedAndCheckerboardEnergies()
    {
        int l = 6;
        var up = Enumerable.Repeat((sbyte)1, l * l).ToArray();
        Assert.Equal(-2 * l * l, SpinConfiguration.Hamiltonian(up, l));
        Assert.Equal(new Measurement(-2, 1), SpinConfiguration.Measure(up, l));
        var checker = new sbyte[l * l];
        for (int r = 0; r < l; r++) for (int c = 0; c < l; c++) checker[r * l + c] = (sbyte)((r + c) % 2 == 0 ? 1 : -1);
        Assert.Equal(2 * l * l, SpinConfiguration.Hamiltonian(checker, l));
        Assert.Equal(0, SpinConfiguration.TotalMagnetization(checker));
    }

    [Fact]
    public void HamiltonianEqualsNeighbourListSum()
    {
        var rng = new Xoshiro256(4);
        foreach (int l in new[] { 2, 3, 5, 8 })
        {
            var lat = new SquareLattice(l);
            var s = new sbyte[l * l];
            SpinConfiguration.Randomize(s, rng);
            long h = 0;
            for (int i = 0; i < lat.Sites; i++) h -= s[i] * (s[lat.Right(i)] + s[lat.Down(i)]);
            Assert.Equal(h, SpinConfiguration.Hamiltonian(s, l));
        }
    }

    [Fact]
    public void NeighboursArePeriodic()
    {
        var lat = new SquareLattice(4);
        Assert.Equal(lat.Index(0, 3), lat.Left(lat.Index(0, 0)));
        Assert.Equal(lat.Index(3, 0), lat.Up(lat.Index(0, 0)));
        Assert.Equal(lat.Index(0, 0), lat.Right(lat.Index(0, 3)));
        Assert.Equal(lat.Index(0, 2), lat.Down(lat.Index(3, 2)));
        Assert.Equal(lat.Index(1, 1), lat.Index(-3, 5));
    }

    [Fact]
    public void RejectsBadShapes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SquareLattice(1));
        Assert.Throws<ArgumentException>(() => SpinConfiguration.Hamiltonian(new sbyte[10], 3));
    }
}
