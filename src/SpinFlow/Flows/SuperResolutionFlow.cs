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
    /// Writes the latent z (batch × 2L × 2L) from ξ (batch × L × L) and the noises g (batch × 3L², in block order: for each
    /// block (i, j) row-major, the sites (2i, 2j+1), (2i+1, 2j), (2i+1, 2j+1)).
    /// </summary>
    public static void ComposeLatent(ReadOnlySpan<float> xi, ReadOnlySpan<float> noise, Span<float> z, int inputSize)
    {
        int batch = CheckLayout(xi.Length, noise.Length, z.Length, inputSize);
        int l = inputSize, big = 2 * l;
        for (int b = 0; b < batch; b++)
        {
            var xs = xi.Slice(b * l * l, l * l);
            var gs = noise.Slice(b * 3 * l * l, 3 * l * l);
            var zs = z.Slice(b * big * big, big * big);
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    int blk = i * l + j;
                    int r = 2 * i, c = 2 * j;
                    zs[r * big + c] = xs[blk];
                    zs[r * big + c + 1] = gs[3 * blk];
                    zs[(r + 1) * big + c] = gs[3 * blk + 1];
                    zs[(r + 1) * big + c + 1] = gs[3 * blk + 2];
                }
        }
    }

    /// <summary>Inverse of <see cref="ComposeLatent"/>: splits z into ξ and g.</summary>
    public static void SplitLatent(ReadOnlySpan<float> z, Span<float> xi, Span<float> noise, int inputSize)
    {
        int batch = CheckLayout(xi.Length, noise.Length, z.Length, inputSize);
        int l = inputSize, big = 2 * l;
        for (int b = 0; b < batch; b++)
        {
            var xs = xi.Slice(b * l * l, l * l);
            var gs = noise.Slice(b * 3 * l * l, 3 * l * l);
            var zs = z.Slice(b * big * big, big * big);
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    int blk = i * l + j;
                    int r = 2 * i, c = 2 * j;
                    xs[blk] = zs[r * big + c];
                    gs[3 * blk] = zs[r * big + c + 1];
                    gs[3 * blk + 1] = zs[(r + 1) * big + c];
                    gs[3 * blk + 2] = zs[(r + 1) * big + c + 1];
                }
        }
    }

    private static int CheckLayout(int xiLength, int noiseLength, int zLength, int inputSize)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "input size must be positive");
        int n = inputSize * inputSize;
        if (xiLength == 0 || xiLength % n != 0) throw new ArgumentException($"ξ length {xiLength} is not a positive multiple of L² = {n}");
        int batch = xiLength / n;
        if (noiseLength != 3 * n * batch) throw new ArgumentException($"noise needs 3L² = {3 * n} values per sample, {3 * n * batch} in all; got {noiseLength}");
        if (zLength != 4 * n * batch) throw new ArgumentException($"z needs (2L)² = {4 * n} values per sample, {4 * n * batch} in all; got {zLength}");
        return batch;
    }
}
