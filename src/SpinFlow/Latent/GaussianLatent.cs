using SpinFlow.Randomness;

namespace SpinFlow.Latent;

/// <summary>
/// z ~ N(0, I) on every site of the S×S lattice: the latent of the NNRG flow (DESIGN.md §5.1), and of any stack whose
/// lowest member is an NNRG flow (its N(0, I) and every later flow's N(0, 1) noises make N(0, I) on the top lattice).
/// </summary>
public sealed class GaussianLatent : LatticeDistribution
{
    /// <summary>N(0, I) on the <paramref name="size"/>×<paramref name="size"/> lattice with <paramref name="channels"/> values per site; H = (C·S²/2) ln(2πe), exact.</summary>
    public GaussianLatent(int size, int channels = 1) : base(size, channels)
    {
        Entropy = NoiseEntropy(Values);
    }

    /// <summary>Entropy (n/2) ln(2πe) of <paramref name="count"/> independent N(0, 1) values.</summary>
    public static double NoiseEntropy(int count) => 0.5 * count * Math.Log(2 * Math.PI * Math.E);

    /// <inheritdoc/>
    public override void Draw(Xoshiro256 rng, Span<float> batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        BatchOf(batch.Length);
        rng.FillGaussian(batch);
    }

    /// <inheritdoc/>
    public override bool HasDensity => true;

    /// <inheritdoc/>
    /// <remarks>ln p = −½|z|² + const.</remarks>
    public override void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity)
    {
        int batch = CheckDensityBuffers(z.Length, logDensity.Length);
        for (int b = 0; b < batch; b++)
            logDensity[b] = -0.5 * System.Numerics.Tensors.TensorPrimitives.SumOfSquares(z.Slice(b * Values, Values));
    }
}
