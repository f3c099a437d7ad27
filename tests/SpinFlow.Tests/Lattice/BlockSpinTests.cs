using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Lattice;

/// <summary>
/// The per-model 2×2 block spin against hand-worked blocks, tie frequencies against the fair coin (4σ of the binomial),
/// and clock:2 and the Ising form against the majority rule.
/// </summary>
public class BlockSpinTests
{
    private static (double[] Cos, double[] Sin) Unit(params double[] angles) =>
        (angles.Select(Math.Cos).ToArray(), angles.Select(Math.Sin).ToArray());

    [Fact]
    public void XyBlockSpinIsTheDirectionOfTheSum()
    {
        // 4×4, blocks (row-major): {0, π/2, 0, π/2} → π/4; {π, π, π, π} → π; {0.3, 0.3, 0.3, 0.3} → 0.3; {0, 2π/3, 4π/3, 0.5} → 0.5 (three cancel).
        double q = Math.PI / 2, a = 2 * Math.PI / 3;
        double[] angles =
        [
            0, q, Math.PI, Math.PI,
            0, q, Math.PI, Math.PI,
            0.3, 0.3, 0, a,
            0.3, 0.3, 2 * a, 0.5,
        ];
        var (cos, sin) = Unit(angles);
        var bc = new double[4];
        var bs = new double[4];
        var rng = new Xoshiro256(1);
        var untouched = new Xoshiro256(1);
        BlockSpin.For(SpinModel.Xy).Block(cos, sin, 4, bc, bs, rng);
        double[] expected = [Math.PI / 4, Math.PI, 0.3, 0.5];
        for (int k = 0; k < 4; k++)
        {
            Assert.Equal(Math.Cos(expected[k]), bc[k], 12);
            Assert.Equal(Math.Sin(expected[k]), bs[k], 12);
        }
        // No tie, no draw: the stream is where it was.
        Assert.Equal(untouched.NextUInt64(), rng.NextUInt64());
    }

    [Fact]
    public void XyZeroSumTakesAUniformDirection()
    {
        var xy = BlockSpin.For(SpinModel.Xy);
        var rng = new Xoshiro256(9);
        const int n = 40_000;
        double mc = 0, ms = 0;
        int upperHalf = 0;
        for (int i = 0; i < n; i++)
        {
            var (c, s) = xy.OfSum(0, 0, rng);
            Assert.Equal(1.0, c * c + s * s, 12);
            mc += c;
            ms += s;
            if (s > 0) upperHalf++;
        }
        // A uniform direction: mean components 0 with σ = √(½/n), half the draws above the x axis.
        double sigma = Math.Sqrt(0.5 / n);
        Assert.InRange(mc / n, -4 * sigma, 4 * sigma);
        Assert.InRange(ms / n, -4 * sigma, 4 * sigma);
        Assert.InRange(upperHalf, n / 2 - 2 * Math.Sqrt(n), n / 2 + 2 * Math.Sqrt(n));
    }

    [Fact]
    public void ClockBlockSpinIsTheNearestState()
    {
        var clock = new ClockBlockSpin(new ClockModel(4));
        var rng = new Xoshiro256(2);
        // clock:4 states k ↔ angle kπ/2. {0, 0, 0, 1} → sum (3, 1) → 0; {1, 1, 2, 1} → (−1, 3) → 1; {3, 3, 3, 2} → (−1, −3) → 3.
        byte[] states =
        [
            0, 0, 1, 1,
            0, 1, 2, 1,
            3, 3, 0, 0,
            3, 2, 0, 0,
        ];
        var blocked = new byte[4];
        clock.Block(states, 4, blocked, rng);
        Assert.Equal(new byte[] { 0, 1, 3, 0 }, blocked);

        // clock:6 (60° apart), whose sine table is inexact: sum at 50° → state 1 (60°); at 25° → state 0; at −35° → state 5 (−60°).
        var six = new ClockBlockSpin(new ClockModel(6));
        Assert.Equal(1, six.State(Math.Cos(50 * Math.PI / 180), Math.Sin(50 * Math.PI / 180), rng));
        Assert.Equal(0, six.State(Math.Cos(25 * Math.PI / 180), Math.Sin(25 * Math.PI / 180), rng));
        Assert.Equal(5, six.State(Math.Cos(-35 * Math.PI / 180), Math.Sin(-35 * Math.PI / 180), rng));
        // The vector form gives the state's exact table values.
        var (c, s) = six.OfSum(0.1, 2.0, rng);
        var model = new ClockModel(6);
        Assert.Equal(model.CosTable()[1], c);
        Assert.Equal(model.SinTable()[1], s);
    }

    [Theory]
    // clock:4 {0, 0, 1, 1}: sum (2, 2) at 45°, tied between states 0 and 1.
    [InlineData(4, new byte[] { 0, 0, 1, 1 }, new[] { 0, 1 })]
    // clock:4 {0, 1, 2, 2}: sum (−1, 1) at 135°, tied between 1 and 2.
    [InlineData(4, new byte[] { 0, 1, 2, 2 }, new[] { 1, 2 })]
    // clock:6 {0, 0, 1, 1}: sum at 30° from inexact table values, tied between 0 and 1.
    [InlineData(6, new byte[] { 0, 1, 0, 1 }, new[] { 0, 1 })]
    // clock:4 {0, 1, 2, 3}: sum 0, a tie of all four states.
    [InlineData(4, new byte[] { 0, 1, 2, 3 }, new[] { 0, 1, 2, 3 })]
    // clock:2 {0, 1, 1, 0} (Ising 2–2): sum 0, both states.
    [InlineData(2, new byte[] { 0, 1, 1, 0 }, new[] { 0, 1 })]
    public void TiesAreBrokenUniformlyAmongTheTiedStates(int q, byte[] block, int[] tied)
    {
        var clock = new ClockBlockSpin(new ClockModel(q));
        var rng = new Xoshiro256(31);
        var counts = new int[q];
        var blocked = new byte[1];
        const int n = 40_000;
        for (int i = 0; i < n; i++)
        {
            clock.Block(block, 2, blocked, rng);
            counts[blocked[0]]++;
        }
        double p = 1.0 / tied.Length, sigma = Math.Sqrt(n * p * (1 - p));
        for (int k = 0; k < q; k++)
        {
            if (tied.Contains(k)) Assert.InRange(counts[k], n * p - 4 * sigma, n * p + 4 * sigma);
            else Assert.Equal(0, counts[k]);
        }
    }

    [Fact]
    public void IsingFormAndClock2AgreeWithTheMajorityRule()
    {
        const int size = 16, half = size / 2;
        var rng = new Xoshiro256(12);
        var ising = BlockSpin.For(SpinModel.Ising);
        var clock2 = (ClockBlockSpin)BlockSpin.For(SpinModel.Clock(2));
        int tiedBlocks = 0, tiedUp = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var spins = new sbyte[size * size];
            for (int i = 0; i < spins.Length; i++) spins[i] = rng.NextBool() ? (sbyte)1 : (sbyte)-1;
            var cos = spins.Select(s => (double)s).ToArray();
            var sin = new double[spins.Length];
            var states = spins.Select(s => s == 1 ? (byte)0 : (byte)1).ToArray();

            // The Ising vector form draws ties exactly as MajorityRule does: same stream, same blocks.
            ulong seed = rng.NextUInt64();
            var majority = new sbyte[half * half];
            MajorityRule.Block(spins, size, majority, new Xoshiro256(seed));
            var bc = new double[half * half];
            var bs = new double[half * half];
            ising.Block(cos, sin, size, bc, bs, new Xoshiro256(seed));
            Assert.Equal(majority.Select(s => (double)s), bc);
            Assert.All(bs, v => Assert.Equal(0.0, v));

            // clock:2: the majority wherever there is one; a 2–2 tie either state.
            var expected = new double[half * half];
            MajorityRule.ExpectedBlock(spins, size, expected);
            var blocked = new byte[half * half];
            clock2.Block(states, size, blocked, new Xoshiro256(seed + 1));
            for (int b = 0; b < blocked.Length; b++)
            {
                if (expected[b] == 0)
                {
                    tiedBlocks++;
                    if (blocked[b] == 0) tiedUp++;
                }
                else Assert.Equal(expected[b] > 0 ? 0 : 1, blocked[b]);
            }
        }
        double sigma = Math.Sqrt(tiedBlocks * 0.25);
        Assert.InRange(tiedUp, tiedBlocks / 2.0 - 4 * sigma, tiedBlocks / 2.0 + 4 * sigma);
    }

    [Fact]
    public void BadShapesAreRejected()
    {
        var xy = BlockSpin.For(SpinModel.Xy);
        Assert.Throws<ArgumentException>(() => xy.Block(new double[9], new double[9], 3, new double[1], new double[1], new Xoshiro256(1)));
        Assert.Throws<ArgumentException>(() => xy.Block(new double[16], new double[16], 4, new double[3], new double[3], new Xoshiro256(1)));
        Assert.Throws<ArgumentException>(() => new ClockBlockSpin(new ClockModel(4)).Block(new byte[] { 0, 1, 2, 4 }, 2, new byte[1], new Xoshiro256(1)));
        Assert.Equal(SpinModel.Clock(5), BlockSpin.For(SpinModel.Clock(5)).Model);
    }
}
