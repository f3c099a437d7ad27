using SpinFlow.Exact;
using SpinFlow.Lattice;

namespace SpinFlow.Tests.Exact;

public class IsingEnumerationTests
{
    [Fact]
    public void TotalNumberOfStatesIsTwoToTheN()
    {
        var en = new IsingEnumeration(3);
        long total = 0;
        for (int h = -18; h <= 18; h++)
            for (int m = -9; m <= 9; m++)
                total += en.DensityOfStates(h, m);
        Assert.Equal(1L << 9, total);
        // Ground states: the two fully aligned ones.
        Assert.Equal(1, en.DensityOfStates(-18, 9));
        Assert.Equal(1, en.DensityOfStates(-18, -9));
    }

    [Fact]
    public void TwoByTwoMatchesHandCount()
    {
        // L = 2 periodic: each site has right = left and down = up neighbour, so H = −2(s0s1 + s2s3 + s0s2 + s1s3).
        // Independent count: loop over the 16 states directly.
        double t = 1.7;
        double z = 0, e = 0, m2 = 0;
        for (int k = 0; k < 16; k++)
        {
            var s = new sbyte[4];
            for (int i = 0; i < 4; i++) s[i] = (sbyte)(((k >> i) & 1) == 1 ? 1 : -1);
            double h = -2.0 * (s[0] * s[1] + s[2] * s[3] + s[0] * s[2] + s[1] * s[3]);
            double w = Math.Exp(-h / t);
            double m = (s[0] + s[1] + s[2] + s[3]) / 4.0;
            z += w; e += w * h / 4; m2 += w * m * m;
        }
        var r = IsingEnumeration.Compute(2, t);
        Assert.Equal(Math.Log(z), r.LnZ, 12);
        Assert.Equal(e / z, r.Energy, 12);
        Assert.Equal(m2 / z, r.M2, 12);
    }

    [Fact]
    public void HamiltonianOfEveryStateAgreesWithDirectSum()
    {
        // The Gray-code walk must visit each state exactly once with the right (H, M): rebuild the histogram directly.
        int size = 3, n = 9;
        var counts = new long[4 * n + 1, 2 * n + 1];
        var s = new sbyte[n];
        for (int k = 0; k < 1 << n; k++)
        {
            for (int i = 0; i < n; i++) s[i] = (sbyte)(((k >> i) & 1) == 1 ? 1 : -1);
            counts[SpinConfiguration.Hamiltonian(s, size) + 2 * n, SpinConfiguration.TotalMagnetization(s) + n]++;
        }
        var en = new IsingEnumeration(size);
        for (int h = -2 * n; h <= 2 * n; h++)
            for (int m = -n; m <= n; m++)
                Assert.Equal(counts[h + 2 * n, m + n], en.DensityOfStates(h, m));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    public void RejectsUnsupportedSizes(int size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new IsingEnumeration(size));
}
