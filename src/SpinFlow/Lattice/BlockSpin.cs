using SpinFlow.Randomness;

namespace SpinFlow.Lattice;

/// <summary>
/// The 2×2 block spin of a spin model: the spin that replaces the four spins of a block, a function of their sum S.
/// Ising: the majority rule (<see cref="MajorityRule"/>, a 2–2 tie ±1 with probability ½); XY: the direction S/|S|;
/// clock:Q: the clock state nearest to the direction of S, a tie between two states (or S = 0, a tie of all Q) broken
/// uniformly at random.
/// </summary>
/// <remarks>
/// Block (I, J) holds sites (2I + a, 2J + b), a, b ∈ {0, 1}, as in <see cref="MajorityRule"/>. Spins are unit vectors
/// (cos θ_i, sin θ_i), row-major; Ising spins are (±1, 0). The random stream is drawn from only where a tie is broken,
/// so blocking a configuration without ties consumes nothing.
/// </remarks>
public abstract class BlockSpin
{
    private protected BlockSpin(SpinModel model) => Model = model;

    /// <summary>The model whose block spin this is.</summary>
    public SpinModel Model { get; }

    /// <summary>The block spin of <paramref name="model"/>.</summary>
    public static BlockSpin For(SpinModel model) => model switch
    {
        null => throw new ArgumentNullException(nameof(model)),
        IsingModel => new IsingBlockSpin(),
        ClockModel c => new ClockBlockSpin(c),
        XyModel => new XyBlockSpin(),
        _ => throw new ArgumentException($"no block spin for --model {model.Name}", nameof(model)),
    };

    /// <summary>The block spin (cos, sin) of a block whose four spins sum to (<paramref name="sumCos"/>, <paramref name="sumSin"/>); ties drawn from <paramref name="rng"/>.</summary>
    public abstract (double Cos, double Sin) OfSum(double sumCos, double sumSin, Xoshiro256 rng);

    /// <summary>The block spin of the sum (<paramref name="sumCos"/>, <paramref name="sumSin"/>) averaged over the tie-breaking: a tie of k states gives the mean of their vectors (0 for S = 0).</summary>
    public abstract (double Cos, double Sin) ExpectedOfSum(double sumCos, double sumSin);

    /// <summary>Blocks an L×L configuration (L even) of unit spins into the L/2×L/2 one of block spins.</summary>
    public void Block(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin, int size, Span<double> blockedCos, Span<double> blockedSin, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"2×2 blocking needs an even lattice size, got L = {size}", nameof(size));
        int n = size * size, half = size / 2;
        if (cos.Length != n || sin.Length != n) throw new ArgumentException($"configuration has {cos.Length} sites, expected L² = {n}");
        if (blockedCos.Length != half * half || blockedSin.Length != half * half)
            throw new ArgumentException($"blocked configuration has {blockedCos.Length} sites, expected (L/2)² = {half * half}");
        for (int bi = 0; bi < half; bi++)
        {
            int top = 2 * bi * size, bottom = top + size;
            for (int bj = 0; bj < half; bj++)
            {
                int c = 2 * bj;
                double sx = cos[top + c] + cos[top + c + 1] + cos[bottom + c] + cos[bottom + c + 1];
                double sy = sin[top + c] + sin[top + c + 1] + sin[bottom + c] + sin[bottom + c + 1];
                (blockedCos[bi * half + bj], blockedSin[bi * half + bj]) = OfSum(sx, sy, rng);
            }
        }
    }
}

/// <summary>The Ising block spin: the sign of the block sum, a 2–2 tie ±1 with probability ½ (the rule and the stream use of <see cref="MajorityRule"/>).</summary>
public sealed class IsingBlockSpin : BlockSpin
{
    internal IsingBlockSpin() : base(SpinModel.Ising) { }

    /// <inheritdoc />
    public override (double Cos, double Sin) OfSum(double sumCos, double sumSin, Xoshiro256 rng) =>
        (sumCos > 0 ? 1 : sumCos < 0 ? -1 : rng.NextBool() ? 1 : -1, 0);

    /// <inheritdoc />
    public override (double Cos, double Sin) ExpectedOfSum(double sumCos, double sumSin) => (Math.Sign(sumCos), 0);

    /// <summary>Blocks ±1 spins: <see cref="MajorityRule.Block"/> itself.</summary>
    public static void Block(ReadOnlySpan<sbyte> spins, int size, Span<sbyte> blocked, Xoshiro256 rng) => MajorityRule.Block(spins, size, blocked, rng);
}

/// <summary>The XY block spin: the direction of the sum of the four spins; a sum of exactly zero (measure zero) takes a uniformly random direction.</summary>
public sealed class XyBlockSpin : BlockSpin
{
    internal XyBlockSpin() : base(SpinModel.Xy) { }

    /// <inheritdoc />
    public override (double Cos, double Sin) OfSum(double sumCos, double sumSin, Xoshiro256 rng)
    {
        double r = Math.Sqrt(sumCos * sumCos + sumSin * sumSin);
        if (r > 0) return (sumCos / r, sumSin / r);
        var (s, c) = Math.SinCos(2 * Math.PI * rng.NextDouble());
        return (c, s);
    }

    /// <inheritdoc />
    public override (double Cos, double Sin) ExpectedOfSum(double sumCos, double sumSin)
    {
        double r = Math.Sqrt(sumCos * sumCos + sumSin * sumSin);
        return r > 0 ? (sumCos / r, sumSin / r) : (0, 0);
    }
}

/// <summary>
/// The clock:Q block spin: the clock state nearest to the direction of the block sum S. Two states are tied when their
/// projections S·e_k agree to <see cref="TieTolerance"/> (sums of four table vectors are exact only where the tables are,
/// so exact ties are found with a tolerance far above round-off and far below any real difference); S = 0 ties all Q states.
/// </summary>
public sealed class ClockBlockSpin : BlockSpin
{
    /// <summary>Projections closer than this are a tie (the sums are at most 4 in size, their round-off ~1e-15).</summary>
    public const double TieTolerance = 1e-9;

    private readonly double[] _cos, _sin;
    private readonly int _q;

    /// <summary>The block spin of <paramref name="model"/>.</summary>
    public ClockBlockSpin(ClockModel model) : base(model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _q = model.States;
        _cos = model.CosTable();
        _sin = model.SinTable();
    }

    /// <inheritdoc />
    public override (double Cos, double Sin) OfSum(double sumCos, double sumSin, Xoshiro256 rng)
    {
        int k = State(sumCos, sumSin, rng);
        return (_cos[k], _sin[k]);
    }

    /// <inheritdoc />
    public override (double Cos, double Sin) ExpectedOfSum(double sumCos, double sumSin)
    {
        if (sumCos * sumCos + sumSin * sumSin <= TieTolerance * TieTolerance) return (0, 0);
        var (k0, k1, tie) = Nearest(sumCos, sumSin);
        return tie ? (0.5 * (_cos[k0] + _cos[k1]), 0.5 * (_sin[k0] + _sin[k1])) : (_cos[k0], _sin[k0]);
    }

    /// <summary>The nearest clock state k ∈ {0 … Q − 1} to the direction of (<paramref name="sumCos"/>, <paramref name="sumSin"/>); ties drawn from <paramref name="rng"/>.</summary>
    public int State(double sumCos, double sumSin, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (sumCos * sumCos + sumSin * sumSin <= TieTolerance * TieTolerance) return rng.NextInt(_q);
        var (k0, k1, tie) = Nearest(sumCos, sumSin);
        return tie ? (rng.NextBool() ? k0 : k1) : k0;
    }

    // The nearest state of a non-zero sum (k0), or the two tied states k0, k1.
    private (int K0, int K1, bool Tie) Nearest(double sumCos, double sumSin)
    {
        // The nearest state is one of the two whose directions bracket that of S: the one with the larger projection.
        double u = Math.Atan2(sumSin, sumCos) * _q / (2 * Math.PI);
        int k0 = (int)Math.Floor(u) % _q;
        if (k0 < 0) k0 += _q;
        int k1 = k0 + 1 == _q ? 0 : k0 + 1;
        double p0 = sumCos * _cos[k0] + sumSin * _sin[k0], p1 = sumCos * _cos[k1] + sumSin * _sin[k1];
        if (Math.Abs(p0 - p1) <= TieTolerance) return (k0, k1, true);
        return p0 > p1 ? (k0, k1, false) : (k1, k0, false);
    }

    /// <summary>Blocks clock states (L×L, L even) into the L/2×L/2 states of the block spins.</summary>
    public void Block(ReadOnlySpan<byte> states, int size, Span<byte> blocked, Xoshiro256 rng)
    {
        if (size < 2 || size % 2 != 0) throw new ArgumentException($"2×2 blocking needs an even lattice size, got L = {size}", nameof(size));
        int half = size / 2;
        if (states.Length != size * size) throw new ArgumentException($"configuration has {states.Length} sites, expected L² = {size * size}", nameof(states));
        if (blocked.Length != half * half) throw new ArgumentException($"blocked configuration has {blocked.Length} sites, expected (L/2)² = {half * half}", nameof(blocked));
        for (int bi = 0; bi < half; bi++)
        {
            int top = 2 * bi * size, bottom = top + size;
            for (int bj = 0; bj < half; bj++)
            {
                int c = 2 * bj;
                int a = states[top + c], b = states[top + c + 1], d = states[bottom + c], e = states[bottom + c + 1];
                if (Math.Max(Math.Max(a, b), Math.Max(d, e)) >= _q) throw new ArgumentException($"clock state above Q − 1 = {_q - 1}", nameof(states));
                blocked[bi * half + bj] = (byte)State(_cos[a] + _cos[b] + _cos[d] + _cos[e], _sin[a] + _sin[b] + _sin[d] + _sin[e], rng);
            }
        }
    }
}
