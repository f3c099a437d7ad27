using SpinFlow.Randomness;

namespace SpinFlow.Lattice;

/// <summary>2×2 majority-rule block-spin transformation: an L×L configuration becomes an L/2×L/2 one.</summary>
/// <remarks>
/// Block (I, J) holds sites (2I + a, 2J + b), a, b ∈ {0, 1}, so its corner (2I, 2J) is the site that the
/// super-resolution latent layout reserves for the coarse spin. A 2–2 tie becomes ±1 with probability ½.
/// </remarks>
public static class MajorityRule
{
    /// <summary>Blocks <paramref name="spins"/> (L×L, L even) into <paramref name="blocked"/> (L/2×L/2); ties are broken by <paramref name="rng"/>.</summary>
    public static void Block(ReadOnlySpan<sbyte> spins, int size, Span<sbyte> blocked, Xoshiro256 rng)
    {
        CheckSizes(spins, size, blocked.Length);
        int half = size / 2;
        for (int bi = 0; bi < half; bi++)
        {
            for (int bj = 0; bj < half; bj++)
            {
                int sum = BlockSum(spins, size, bi, bj);
                blocked[bi * half + bj] = sum > 0 ? (sbyte)1 : sum < 0 ? (sbyte)-1 : (rng.NextBool() ? (sbyte)1 : (sbyte)-1);
            }
        }
    }

    /// <summary>Expected blocked configuration: the sign of each block sum, with ties contributing 0 (the mean of ±1 with probability ½).</summary>
    public static void ExpectedBlock(ReadOnlySpan<sbyte> spins, int size, Span<double> blocked)
    {
        CheckSizes(spins, size, blocked.Length);
        int half = size / 2;
        for (int bi = 0; bi < half; bi++)
            for (int bj = 0; bj < half; bj++)
                blocked[bi * half + bj] = Math.Sign(BlockSum(spins, size, bi, bj));
    }

    /// <summary>
    /// Expected block spin E[S] when the four spins of a block are independent with P(s_k = +1) = p_k
    /// (the form training needs, with p_k = P(s_k = +1 | x_k)); ties count as ±1 with probability ½, so
    /// E[S] = P(sum &gt; 0) − P(sum &lt; 0). Computed exactly from the 16 patterns, in closed form.
    /// </summary>
    public static double ExpectedBlockSpin(double p0, double p1, double p2, double p3)
    {
        // With q_k = 1 − p_k: P(4 up) + P(3 up) − P(1 up) − P(0 up).
        double q0 = 1 - p0, q1 = 1 - p1, q2 = 1 - p2, q3 = 1 - p3;
        double up4 = p0 * p1 * p2 * p3;
        double dn4 = q0 * q1 * q2 * q3;
        double up3 = q0 * p1 * p2 * p3 + p0 * q1 * p2 * p3 + p0 * p1 * q2 * p3 + p0 * p1 * p2 * q3;
        double dn3 = p0 * q1 * q2 * q3 + q0 * p1 * q2 * q3 + q0 * q1 * p2 * q3 + q0 * q1 * q2 * p3;
        return up4 + up3 - dn3 - dn4;
    }

    /// <summary>
    /// E[S] as in <see cref="ExpectedBlockSpin(double, double, double, double)"/> together with its gradient
    /// ∂E[S]/∂p_k (for training, where p_k = P(s_k = +1 | x_k) depends on the network's output).
    /// </summary>
    /// <remarks>
    /// E[S] is multilinear in the p_k, so ∂E[S]/∂p_k = E[S | s_k = +1] − E[S | s_k = −1]: the same closed form
    /// evaluated with p_k set to 1 and to 0.
    /// </remarks>
    public static double ExpectedBlockSpin(ReadOnlySpan<double> p, Span<double> gradient)
    {
        if (p.Length != 4 || gradient.Length != 4) throw new ArgumentException("a block has four spins");
        Span<double> q = stackalloc double[4];
        for (int k = 0; k < 4; k++)
        {
            p.CopyTo(q);
            q[k] = 1;
            double up = ExpectedBlockSpin(q[0], q[1], q[2], q[3]);
            q[k] = 0;
            gradient[k] = up - ExpectedBlockSpin(q[0], q[1], q[2], q[3]);
        }
        return ExpectedBlockSpin(p[0], p[1], p[2], p[3]);
    }

    private static int BlockSum(ReadOnlySpan<sbyte> spins, int size, int bi, int bj)
    {
        int r = 2 * bi, c = 2 * bj;
        return spins[r * size + c] + spins[r * size + c + 1] + spins[(r + 1) * size + c] + spins[(r + 1) * size + c + 1];
    }

    private static void CheckSizes(ReadOnlySpan<sbyte> spins, int size, int blockedLength)
    {
        SpinConfiguration.CheckShape(spins, size);
        if (size % 2 != 0) throw new ArgumentException($"majority-rule blocking needs an even lattice size, got L = {size}", nameof(size));
        int half = size / 2;
        if (blockedLength != half * half)
            throw new ArgumentException($"blocked configuration has {blockedLength} sites, expected (L/2)² = {half * half}");
    }
}
