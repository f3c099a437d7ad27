using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Lattice;

public class MajorityRuleTests
{
    [Fact]
    public void ClearMajoritiesAreDeterministic()
    {
        // 4×4 with blocks: all up; 3 up; 3 down; all down.
        sbyte[] s =
        [
            1, 1, 1, -1,
            1, 1, 1, 1,
            -1, -1, -1, -1,
            1, -1, -1, -1,
        ];
        var blocked = new sbyte[4];
        MajorityRule.Block(s, 4, blocked, new Xoshiro256(1));
        Assert.Equal(new sbyte[] { 1, 1, -1, -1 }, blocked);
        var expected = new double[4];
        MajorityRule.ExpectedBlock(s, 4, expected);
        Assert.Equal(new double[] { 1, 1, -1, -1 }, expected);
    }

    [Fact]
    public void TiesAreBrokenFairlyAndReproducibly()
    {
        sbyte[] tie = [1, -1, -1, 1];
        var b = new sbyte[1];
        var rng = new Xoshiro256(77);
        int up = 0, n = 40_000;
        for (int i = 0; i < n; i++) { MajorityRule.Block(tie, 2, b, rng); if (b[0] == 1) up++; }
        // Binomial(n, ½): 4σ = 4·√n/2.
        Assert.InRange(up, n / 2 - 2 * Math.Sqrt(n), n / 2 + 2 * Math.Sqrt(n));
        var e = new double[1];
        MajorityRule.ExpectedBlock(tie, 2, e);
        Assert.Equal(0.0, e[0]);

        var again = new Xoshiro256(77);
        var rng2 = new Xoshiro256(77);
        for (int i = 0; i < 100; i++)
        {
            MajorityRule.Block(tie, 2, b, again);
            var c = new sbyte[1];
            MajorityRule.Block(tie, 2, c, rng2);
            Assert.Equal(c[0], b[0]);
        }
    }

    [Fact]
    public void ExpectedBlockSpinEqualsEnumerationOverSixteenPatterns()
    {
        var rng = new Xoshiro256(5);
        for (int trial = 0; trial < 50; trial++)
        {
            var p = new double[4];
            for (int k = 0; k < 4; k++) p[k] = rng.NextDouble();
            double brute = 0;
            for (int pattern = 0; pattern < 16; pattern++)
            {
                double prob = 1;
                int sum = 0;
                for (int k = 0; k < 4; k++)
                {
                    bool upK = ((pattern >> k) & 1) == 1;
                    prob *= upK ? p[k] : 1 - p[k];
                    sum += upK ? 1 : -1;
                }
                brute += prob * Math.Sign(sum); // a tie has mean 0
            }
            Assert.Equal(brute, MajorityRule.ExpectedBlockSpin(p[0], p[1], p[2], p[3]), 14);
        }
    }

    [Fact]
    public void GradientOfExpectedBlockSpinEqualsFiniteDifferences()
    {
        var rng = new Xoshiro256(6);
        var grad = new double[4];
        for (int trial = 0; trial < 20; trial++)
        {
            var p = new double[4];
            for (int k = 0; k < 4; k++) p[k] = 0.05 + 0.9 * rng.NextDouble();
            double value = MajorityRule.ExpectedBlockSpin(p, grad);
            Assert.Equal(MajorityRule.ExpectedBlockSpin(p[0], p[1], p[2], p[3]), value, 15);
            const double h = 1e-6;
            for (int k = 0; k < 4; k++)
            {
                var plus = (double[])p.Clone();
                var minus = (double[])p.Clone();
                plus[k] += h;
                minus[k] -= h;
                double fd = (MajorityRule.ExpectedBlockSpin(plus[0], plus[1], plus[2], plus[3])
                    - MajorityRule.ExpectedBlockSpin(minus[0], minus[1], minus[2], minus[3])) / (2 * h);
                Assert.Equal(fd, grad[k], 8);
            }
        }
    }

    [Fact]
    public void RejectsOddSize()
    {
        Assert.Throws<ArgumentException>(() => MajorityRule.Block(new sbyte[9], 3, new sbyte[1], new Xoshiro256(1)));
    }
}
