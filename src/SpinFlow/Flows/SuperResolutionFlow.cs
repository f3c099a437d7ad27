namespace SpinFlow.Flows;

/// <summary>
/// Builder and latent layout of the super-resolution flow Flow_L (L×L → 2L×2L): the latent z is a 2L×2L lattice with
/// the input configuration ξ at sites (2i, 2j) and Gaussian noises g at the other three sites of each 2×2 block
/// (checkerboard concatenation, DESIGN.md §5.2).
/// </summary>
public static class SuperResolutionFlow
{
    /// <summary>Flow_L for input size L (the flow acts on the 2L×2L lattice); <see cref="SuperResolutionFlowOptions.Default"/> when null.</summary>
    public static Flow Create(int inputSize, ulong seed, SuperResolutionFlowOptions? options = null)
    {
        if (inputSize < 1 || inputSize > 8192) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "input size L must be between 1 and 8192");
        return Flow.Create(options ?? SuperResolutionFlowOptions.Default, 2 * inputSize, seed);
    }

    /// <summary>True when (row, col) of the 2L×2L latent carries an input value ξ.</summary>
    public static bool IsInputSite(int row, int col) => (row & 1) == 0 && (col & 1) == 0;

    /// <summary>
    /// Writes the latent z (batch × 2L × 2L × C) from ξ (batch × L × L × C) and the noises g (batch × 3L² × C, in block
    /// order: for each block (i, j) row-major, the sites (2i, 2j+1), (2i+1, 2j), (2i+1, 2j+1), all C channels of a site
    /// together). Every array is channel-minor, like the lattices themselves.
    /// </summary>
    public static void ComposeLatent(ReadOnlySpan<float> xi, ReadOnlySpan<float> noise, Span<float> z, int inputSize, int channels = 1)
    {
        int batch = CheckLayout(xi.Length, noise.Length, z.Length, inputSize, channels);
        int l = inputSize, big = 2 * l, ch = channels;
        for (int b = 0; b < batch; b++)
        {
            var xs = xi.Slice(b * l * l * ch, l * l * ch);
            var gs = noise.Slice(b * 3 * l * l * ch, 3 * l * l * ch);
            var zs = z.Slice(b * big * big * ch, big * big * ch);
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    int blk = i * l + j;
                    int r = 2 * i, c = 2 * j;
                    for (int k = 0; k < ch; k++) zs[(r * big + c) * ch + k] = xs[blk * ch + k];
                    for (int k = 0; k < ch; k++) zs[(r * big + c + 1) * ch + k] = gs[3 * blk * ch + k];
                    for (int k = 0; k < ch; k++) zs[((r + 1) * big + c) * ch + k] = gs[(3 * blk + 1) * ch + k];
                    for (int k = 0; k < ch; k++) zs[((r + 1) * big + c + 1) * ch + k] = gs[(3 * blk + 2) * ch + k];
                }
        }
    }

    /// <summary>Inverse of <see cref="ComposeLatent"/>: splits z into ξ and g.</summary>
    public static void SplitLatent(ReadOnlySpan<float> z, Span<float> xi, Span<float> noise, int inputSize, int channels = 1)
    {
        int batch = CheckLayout(xi.Length, noise.Length, z.Length, inputSize, channels);
        int l = inputSize, big = 2 * l, ch = channels;
        for (int b = 0; b < batch; b++)
        {
            var xs = xi.Slice(b * l * l * ch, l * l * ch);
            var gs = noise.Slice(b * 3 * l * l * ch, 3 * l * l * ch);
            var zs = z.Slice(b * big * big * ch, big * big * ch);
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    int blk = i * l + j;
                    int r = 2 * i, c = 2 * j;
                    for (int k = 0; k < ch; k++) xs[blk * ch + k] = zs[(r * big + c) * ch + k];
                    for (int k = 0; k < ch; k++) gs[3 * blk * ch + k] = zs[(r * big + c + 1) * ch + k];
                    for (int k = 0; k < ch; k++) gs[(3 * blk + 1) * ch + k] = zs[((r + 1) * big + c) * ch + k];
                    for (int k = 0; k < ch; k++) gs[(3 * blk + 2) * ch + k] = zs[((r + 1) * big + c + 1) * ch + k];
                }
        }
    }

    private static int CheckLayout(int xiLength, int noiseLength, int zLength, int inputSize, int channels)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "input size must be positive");
        if (channels < 1 || channels > RealNvpOptions.MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channels must be between 1 and {RealNvpOptions.MaxChannels}");
        int n = inputSize * inputSize * channels;
        string per = channels == 1 ? "L²" : "L²·C";
        if (xiLength == 0 || xiLength % n != 0) throw new ArgumentException($"ξ length {xiLength} is not a positive multiple of {per} = {n}");
        int batch = xiLength / n;
        if (noiseLength != 3 * n * batch) throw new ArgumentException($"noise needs 3{per} = {3 * n} values per sample, {3 * n * batch} in all; got {noiseLength}");
        if (zLength != 4 * n * batch) throw new ArgumentException($"z needs (2L)²{(channels == 1 ? "" : "·C")} = {4 * n} values per sample, {4 * n * batch} in all; got {zLength}");
        return batch;
    }
}
