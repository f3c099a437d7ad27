using SpinFlow.Randomness;

namespace SpinFlow.Flows;

/// <summary>
/// Parameter layout and masks of the RealNVP bijector on a plaquette's 4C-vector (DESIGN.md §5; C channels per site).
/// </summary>
/// <remarks>
/// <para>The plaquette vector holds entry (site k, channel c) at k·C + c, the order of the lattice itself. Coupling j keeps
/// the two "conditioner" sites selected by its mask (2C entries) and transforms the other two:
/// s = a ⊙ tanh S_j(y'), t = T_j(y'), y_t ← y_t·e^s + t, log-det += Σ s. Masks cycle through the three 2|2 partitions
/// of the plaquette's sites (rows, columns, diagonals), consecutive couplings complementary.</para>
/// <para>Flat layout of one coupling (PyTorch order, weights [out, in] row-major): S net
/// [W₁ (h×4C), b₁ (h), (W_k (h×h), b_k (h))×(n_mlp−1), W_out (4C×h), b_out (4C)], T net (same), a (4C).
/// Because the masked inputs are zero and the masked outputs are discarded, the kernels only use the 2C active input
/// columns of W₁, the 2C active output rows of W_out and 2C entries of a; the remaining parameters exist (at C = 1 the
/// parameter count matches a PyTorch implementation) but always have zero gradient.</para>
/// </remarks>
public static class RealNvpBijector
{
    // (conditioner pair, transformed pair) of the three partitions: rows, columns, diagonals.
    private static readonly (int, int, int, int)[] Partitions = [(0, 1, 2, 3), (0, 2, 1, 3), (0, 3, 1, 2)];

    /// <summary>The two conditioner entries (kept) and the two transformed entries of coupling <paramref name="j"/>.</summary>
    public static (int C0, int C1, int T0, int T1) Mask(int j)
    {
        if (j < 0) throw new ArgumentOutOfRangeException(nameof(j), j, "coupling index must be non-negative");
        var (a, b, c, d) = Partitions[(j / 2) % 3];
        return (j & 1) == 0 ? (a, b, c, d) : (c, d, a, b);
    }

    /// <summary>Packed size of a net's first layer, W₁ (h × 2C active columns) and b₁.</summary>
    internal static int PackedFirstLayerSize(RealNvpOptions o) => 2 * o.Channels * o.Hidden + o.Hidden;

    /// <summary>Size of one net in the kernels' packed layout (active columns and rows only).</summary>
    internal static int PackedNetSize(RealNvpOptions o) =>
        PackedFirstLayerSize(o) + (o.MlpLayers - 1) * (o.Hidden * o.Hidden + o.Hidden) + 2 * o.Channels * o.Hidden + 2 * o.Channels;

    /// <summary>Size of one coupling in the packed layout: S, T and the 2C active entries of a.</summary>
    internal static int PackedCouplingSize(RealNvpOptions o) => 2 * PackedNetSize(o) + 2 * o.Channels;

    /// <summary>Parameters of one bijector that affect the flow (all but the masked, always-zero-gradient ones).</summary>
    public static int ActiveParameterCount(RealNvpOptions o) => o.Couplings * PackedCouplingSize(o);

    /// <summary>
    /// For every packed index of a whole bijector, the index in the flat (PyTorch-order) layout. Packing gathers through
    /// it and gradients scatter through it; the flat entries it never names are the dead parameters.
    /// </summary>
    internal static int[] PackedToFlat(RealNvpOptions o)
    {
        int h = o.Hidden, n = o.MlpLayers, ch = o.Channels, e = o.PlaquetteEntries;
        int flatNet = o.ParametersPerNet;
        var map = new int[o.Couplings * PackedCouplingSize(o)];
        int q = 0;
        for (int j = 0; j < o.Couplings; j++)
        {
            var (c0, c1, t0, t1) = Mask(j);
            int flatCoupling = j * o.ParametersPerCoupling;
            for (int net = 0; net < 2; net++)
            {
                int f = flatCoupling + net * flatNet;
                // W₁: active columns (c0, all channels) then (c1, all channels) of each row.
                for (int i = 0; i < h; i++)
                {
                    for (int c = 0; c < ch; c++) map[q++] = f + e * i + c0 * ch + c;
                    for (int c = 0; c < ch; c++) map[q++] = f + e * i + c1 * ch + c;
                }
                f += e * h;
                for (int i = 0; i < h; i++) map[q++] = f + i;
                f += h;
                for (int l = 1; l < n; l++)
                {
                    for (int i = 0; i < h * h + h; i++) map[q++] = f + i;
                    f += h * h + h;
                }
                // W_out: active rows (t0, all channels) then (t1, all channels).
                foreach (int t in (ReadOnlySpan<int>)[t0, t1])
                    for (int c = 0; c < ch; c++)
                        for (int jj = 0; jj < h; jj++) map[q++] = f + (t * ch + c) * h + jj;
                f += e * h;
                for (int c = 0; c < ch; c++) map[q++] = f + t0 * ch + c;
                for (int c = 0; c < ch; c++) map[q++] = f + t1 * ch + c;
            }
            int a = flatCoupling + 2 * flatNet;
            for (int c = 0; c < ch; c++) map[q++] = a + t0 * ch + c;
            for (int c = 0; c < ch; c++) map[q++] = a + t1 * ch + c;
        }
        if (q != map.Length) throw new InvalidOperationException("packed layout mismatch");
        return map;
    }

    /// <summary>
    /// PyTorch-like initialisation of one bijector's flat parameters: every Linear(in, out) weight and bias uniform in
    /// ±1/√in (fan-in of the full 4C-input layer), a = 0, so every coupling starts volume-preserving (log-det 0).
    /// With <paramref name="identity"/> the output layers of the T nets are zeroed as well and the bijector starts as the
    /// exact identity.
    /// </summary>
    public static void Initialize(RealNvpOptions o, Span<float> parameters, Xoshiro256 rng, bool identity = false)
    {
        if (parameters.Length != o.ParameterCount)
            throw new ArgumentException($"expected {o.ParameterCount} parameters, got {parameters.Length}", nameof(parameters));
        int h = o.Hidden;
        int p = 0;
        void Linear(Span<float> dst, int fanIn, int fanOut, bool zero)
        {
            float bound = 1f / MathF.Sqrt(fanIn);
            for (int i = 0; i < fanIn * fanOut + fanOut; i++)
                dst[p++] = zero ? 0f : (2f * rng.NextFloat() - 1f) * bound;
        }
        for (int j = 0; j < o.Couplings; j++)
        {
            for (int net = 0; net < 2; net++)
            {
                Linear(parameters, o.PlaquetteEntries, h, false);
                for (int l = 1; l < o.MlpLayers; l++) Linear(parameters, h, h, false);
                Linear(parameters, h, o.PlaquetteEntries, identity && net == 1);
            }
            for (int k = 0; k < o.PlaquetteEntries; k++) parameters[p++] = 0f;
        }
    }
}
