using SpinFlow.Flows;
using SpinFlow.Randomness;

namespace SpinFlow.Latent;

/// <summary>
/// The latent of a super-resolution flow Flow_L0, or of a stack Flow_L0 → Flow_2L0 → … (<see cref="FlowStack"/>), on the
/// S×S lattice, S = 2^levels·L0: ξ drawn from an L0×L0 input distribution sits on the stride-2^levels sublattice and every
/// other site is a noise ~ N(0, 1), so p_z(z) = p_ξ(ξ) Π N(g; 0, 1) (DESIGN.md §5.2).
/// </summary>
/// <remarks>
/// <para>
/// The noises of one sample are stored level by level, coarsest first: level k (lattice 2ℓ×2ℓ with ℓ = 2^(k−1)·L0) holds
/// 3ℓ² noises in the block order of <see cref="SuperResolutionFlow.ComposeLatent"/>, so a one-level latent lays out z
/// exactly as Flow_L0 expects and every later level puts its noises around the previous level's lattice, as each later
/// flow of the stack expects.
/// </para>
/// <para>
/// One stream order for every depth and every use (training, generation, the samplers' starting points): ξ of the whole
/// batch from the input first, then all noises of the batch in one draw (<see cref="DrawParts"/>). A super-resolution
/// latent given as the input of another is merged into one latent of more levels, so nesting does not change the order.
/// </para>
/// </remarks>
public sealed class SuperResolutionLatent : LatticeDistribution
{
    private readonly int _levels;
    private float[] _xi = [], _noise = [];

    /// <summary>The L0×L0 distribution of ξ.</summary>
    public LatticeDistribution Input { get; }

    /// <summary>Side L0 of ξ.</summary>
    public int InputSize => Input.Size;

    /// <inheritdoc/>
    public override int Levels => _levels;

    /// <summary>Sublattice stride of ξ in the latent, S / L0.</summary>
    public int Stride => 1 << _levels;

    /// <summary>Noise values per sample, C·(S² − L0²).</summary>
    public int NoiseSites => Values - Input.Values;

    /// <summary>
    /// The latent of <paramref name="levels"/> stacked super-resolution flows with ξ drawn from <paramref name="input"/>;
    /// an <paramref name="input"/> that is itself a super-resolution latent contributes its ξ and its levels. The entropy
    /// is H(input) plus that of the new noises, when H(input) is known.
    /// </summary>
    public SuperResolutionLatent(LatticeDistribution input, int levels = 1) : base(CheckedSize(input, levels), input.Channels)
    {
        double? entropy = input.Entropy;
        for (int k = 0, l = input.Size; k < levels; k++, l *= 2) entropy += GaussianLatent.NoiseEntropy(3 * l * l * input.Channels);
        Entropy = entropy;
        if (input is SuperResolutionLatent inner)
        {
            Input = inner.Input;
            _levels = inner.Levels + levels;
        }
        else
        {
            Input = input;
            _levels = levels;
        }
    }

    /// <summary>
    /// The latent of the single super-resolution flow <paramref name="flow"/> (L×L → 2L×2L) over <paramref name="inputs"/>
    /// (L×L configurations back to back); a flow of odd size or inputs that are not whole configurations throw.
    /// </summary>
    public static SuperResolutionLatent OfFlow(ILatticeFlow flow, ReadOnlySpan<double> inputs)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Size % 2 != 0) throw new ArgumentException($"a super-resolution flow generates an even lattice, not {flow.Size}×{flow.Size}", nameof(flow));
        return new SuperResolutionLatent(new DataSetDistribution(inputs, flow.Size / 2, channels: flow.Channels));
    }

    private static int CheckedSize(LatticeDistribution input, int levels)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (levels < 1 || levels > 20 || ((long)input.Size << levels) > 1 << 16)
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"need 1 or more levels and a latent of at most 65536 per side (input {input.Size})");
        return input.Size << levels;
    }

    /// <inheritdoc/>
    public override bool IsInputSite(int row, int col) => row % Stride == 0 && col % Stride == 0;

    /// <summary>
    /// Level of a latent site: 0 for ξ (the stride-2^Levels sublattice), k for the noises that flow k of the stack adds
    /// (the stride-2^(Levels−k) sublattice minus every coarser one).
    /// </summary>
    public override int LevelOf(int site)
    {
        CheckSite(site);
        int r = site / Size, c = site % Size;
        // The 1 << 30 guard makes row or column 0 count as divisible by every stride.
        int tz = Math.Min(System.Numerics.BitOperations.TrailingZeroCount(r | 1 << 30), System.Numerics.BitOperations.TrailingZeroCount(c | 1 << 30));
        return _levels - Math.Min(tz, _levels);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// ξ is one L0×L0 grid of stride 2^Levels; the noises of flow k sit on the three cosets (odd row, even column), (even,
    /// odd), (odd, odd) of the stride-2^(Levels−k) sublattice, each an L×L grid of twice that stride.
    /// </remarks>
    public override IReadOnlyList<int[]> LevelGrids(int level)
    {
        if ((uint)level > (uint)_levels) throw new ArgumentOutOfRangeException(nameof(level), level, $"levels run from 0 (ξ) to {_levels}");
        if (level == 0) return [Grid(0, 0, Stride)];
        int spacing = 1 << (_levels - level);
        return [Grid(spacing, 0, 2 * spacing), Grid(0, spacing, 2 * spacing), Grid(spacing, spacing, 2 * spacing)];
    }

    private int[] Grid(int rowOffset, int colOffset, int stride)
    {
        int m = Size / stride;
        var sites = new int[m * m];
        for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++)
                sites[r * m + c] = (rowOffset + r * stride) * Size + colOffset + c * stride;
        return sites;
    }

    /// <summary>
    /// The one stream order: ξ of the whole batch from <see cref="Input"/> (batch × L0² into <paramref name="xi"/>), then all
    /// noises of the batch in one Gaussian fill (batch × <see cref="NoiseSites"/>, sample-major, coarsest level first).
    /// </summary>
    public void DrawParts(Xoshiro256 rng, Span<float> xi, Span<float> noise)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int batch = xi.Length / Input.Values;
        if (xi.Length == 0 || xi.Length != batch * Input.Values) throw new ArgumentException($"ξ length {xi.Length} is not a positive multiple of C·L0² = {Input.Values}", nameof(xi));
        if (noise.Length != batch * NoiseSites) throw new ArgumentException($"noise needs {NoiseSites} values per sample, {batch * NoiseSites} in all; got {noise.Length}", nameof(noise));
        Input.Draw(rng, xi);
        rng.FillGaussian(noise);
    }

    /// <inheritdoc/>
    /// <remarks>Draws in the order of <see cref="DrawParts"/> and composes z.</remarks>
    public override void Draw(Xoshiro256 rng, Span<float> batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int samples = BatchOf(batch.Length);
        if (_xi.Length != samples * Input.Values)
        {
            _xi = new float[samples * Input.Values];
            _noise = new float[samples * NoiseSites];
        }
        DrawParts(rng, _xi, _noise);
        Compose(_xi, _noise, batch);
    }

    /// <summary>
    /// Writes latents z (batch × S²) from ξ (batch × L0²) and noises (batch × <see cref="NoiseSites"/>, level by level,
    /// coarsest first).
    /// </summary>
    public void Compose(ReadOnlySpan<float> xi, ReadOnlySpan<float> noise, Span<float> z)
    {
        int l2 = Input.Values, ch = Channels;
        if (xi.Length == 0 || xi.Length % l2 != 0) throw new ArgumentException($"ξ length {xi.Length} is not a positive multiple of C·L0² = {l2}", nameof(xi));
        int batch = xi.Length / l2;
        if (noise.Length != batch * NoiseSites) throw new ArgumentException($"noise needs {NoiseSites} values per sample, {batch * NoiseSites} in all; got {noise.Length}", nameof(noise));
        if (z.Length != batch * Values) throw new ArgumentException($"z needs {Values} values per sample, {batch * Values} in all; got {z.Length}", nameof(z));
        if (_levels == 1)
        {
            SuperResolutionFlow.ComposeLatent(xi, noise, z, InputSize, ch);
            return;
        }
        var a = new float[Values];
        var b = new float[Values];
        for (int s = 0; s < batch; s++)
        {
            xi.Slice(s * l2, l2).CopyTo(a);
            var g = noise.Slice(s * NoiseSites, NoiseSites);
            int l = InputSize;
            for (int k = 0; k < _levels; k++, l *= 2)
            {
                // Level k's noises start after those of the coarser levels: C·(ℓ² − L0²) values.
                int n = l * l * ch;
                SuperResolutionFlow.ComposeLatent(a.AsSpan(0, n), g.Slice(n - l2, 3 * n), b.AsSpan(0, 4 * n), l, ch);
                (a, b) = (b, a);
            }
            a.AsSpan().CopyTo(z.Slice(s * Values, Values));
        }
    }

    /// <inheritdoc/>
    public override bool HasDensity => Input.HasDensity;

    /// <inheritdoc/>
    /// <remarks>ln p_z = ln p_ξ(ξ) − ½|g|² + const; needs the input's density.</remarks>
    public override void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity)
    {
        if (!Input.HasDensity) throw new InvalidOperationException("ln p_z needs the density of the input ξ (for a data set: its model π_ξ, temperature and shift)");
        int batch = CheckDensityBuffers(z.Length, logDensity.Length);
        int l = InputSize, ch = Channels, l2 = l * l * ch, stride = Stride;
        var xi = new double[batch * l2];
        var g2 = new double[batch];
        for (int b = 0; b < batch; b++)
        {
            var zs = z.Slice(b * Values, Values);
            double xi2 = 0;
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                    for (int c = 0; c < ch; c++)
                    {
                        double v = zs[(i * stride * Size + j * stride) * ch + c];
                        xi[b * l2 + (i * l + j) * ch + c] = v;
                        xi2 += v * v;
                    }
            g2[b] = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(zs) - xi2;
        }
        Input.LogDensity(xi, logDensity);
        for (int b = 0; b < batch; b++) logDensity[b] -= 0.5 * g2[b];
    }
}
