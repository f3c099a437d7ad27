using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// z ~ N(0, I) on every site of the S×S lattice: the latent prior of the NNRG baseline (DESIGN.md §5.1), and the latent of
/// any flow stack whose lowest member is an NNRG flow.
/// </summary>
public sealed class GaussianConfigurations : IConfigurationSource
{
    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>H(N(0, I)) = (S²/2) ln(2πe), exact.</summary>
    public double? Entropy => 0.5 * Size * Size * Math.Log(2 * Math.PI * Math.E);

    /// <summary>The prior on the <paramref name="size"/>×<paramref name="size"/> lattice.</summary>
    public GaussianConfigurations(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size must be positive");
        Size = size;
    }

    /// <inheritdoc/>
    public void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (configurations.Length % (Size * Size) != 0) throw new ArgumentException($"length {configurations.Length} is not a multiple of S² = {Size * Size}", nameof(configurations));
        rng.FillGaussian(configurations);
    }
}
