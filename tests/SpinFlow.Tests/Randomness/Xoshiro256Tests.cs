using SpinFlow.Randomness;

namespace SpinFlow.Tests.Randomness;

public class Xoshiro256Tests
{
    [Fact]
    public void SameSeedSameSequenceDifferentSeedDifferent()
    {
        var a = new Xoshiro256(123);
        var b = new Xoshiro256(123);
        var c = new Xoshiro256(124);
        int same = 0;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            if (x == c.NextUInt64()) same++;
        }
        Assert.Equal(0, same);
    }

    [Fact]
    public void StreamsAreDistinct()
    {
        var first = Enumerable.Range(0, 64).Select(s => Xoshiro256.ForStream(5, (ulong)s).NextUInt64()).ToHashSet();
        Assert.Equal(64, first.Count);
        Assert.NotEqual(Xoshiro256.ForStream(5, 0).NextUInt64(), Xoshiro256.ForStream(6, 0).NextUInt64());
    }

    [Fact]
    public void SplitMix64KnownFirstOutputs()
    {
        // Published reference: splitmix64 seeded with 1234567 (Vigna's test vector).
        ulong s = 1234567;
        Assert.Equal(6457827717110365317UL, Xoshiro256.SplitMix64(ref s));
        Assert.Equal(3203168211198807973UL, Xoshiro256.SplitMix64(ref s));
    }

    [Fact]
    public void UniformMomentsAndRange()
    {
        var r = new Xoshiro256(1);
        int n = 1_000_000;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++)
        {
            double u = r.NextDouble();
            Assert.InRange(u, 0.0, 1.0 - 1e-17);
            s += u; s2 += u * u;
        }
        // Mean 1/2 ± 4σ with σ = √(1/12/n); second moment 1/3 ± 4σ with σ = √(4/45/n).
        Assert.InRange(s / n, 0.5 - 4 * Math.Sqrt(1.0 / 12 / n), 0.5 + 4 * Math.Sqrt(1.0 / 12 / n));
        Assert.InRange(s2 / n, 1.0 / 3 - 4 * Math.Sqrt(4.0 / 45 / n), 1.0 / 3 + 4 * Math.Sqrt(4.0 / 45 / n));
    }

    [Fact]
    public void GaussianMoments()
    {
        var r = new Xoshiro256(2);
        int n = 1_000_000;
        double s = 0, s2 = 0, s4 = 0;
        for (int i = 0; i < n; i++)
        {
            double g = r.NextGaussian();
            s += g; s2 += g * g; s4 += g * g * g * g;
        }
        Assert.InRange(s / n, -4 / Math.Sqrt(n), 4 / Math.Sqrt(n));
        Assert.InRange(s2 / n, 1 - 4 * Math.Sqrt(2.0 / n), 1 + 4 * Math.Sqrt(2.0 / n));
        Assert.InRange(s4 / n, 3 - 4 * Math.Sqrt(96.0 / n), 3 + 4 * Math.Sqrt(96.0 / n));
    }

    [Fact]
    public void NextIntIsUniform()
    {
        var r = new Xoshiro256(3);
        var counts = new int[7];
        int n = 700_000;
        for (int i = 0; i < n; i++) counts[r.NextInt(7)]++;
        // χ² with 6 degrees of freedom: 99.99 % quantile ≈ 27.9.
        double chi2 = counts.Sum(c => (c - n / 7.0) * (c - n / 7.0) / (n / 7.0));
        Assert.True(chi2 < 27.9, $"χ² = {chi2}");
    }
}
