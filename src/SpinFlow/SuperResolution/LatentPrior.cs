using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The latent prior p_z of a flow x = F(z) on an S×S lattice: draws the starting points z ~ p_z of the exact samplers
/// and says which latent sites carry input configurations ξ (the rest are Gaussian noises).
/// </summary>
/// <remarks>
/// Latent HMC needs p_z only for its starting points (U(z) = E_x(F(z)) − ln|det| has no p_z term), flow Metropolis
/// needs the layout to redraw the noises, and the flow's importance weights need ln p_z. As an
/// <see cref="IConfigurationSource"/> a prior can also feed training.
/// </remarks>
public abstract class LatentPrior : IConfigurationSource
{
    /// <summary>Side S of the latent lattice (equal to the flow's lattice).</summary>
    public int Size { get; }

    /// <summary>Latent sites per sample, S².</summary>
    public int Sites => Size * Size;

    /// <summary>Sets the lattice side; S must be at least 1.</summary>
    protected LatentPrior(int size)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "latent size must be positive");
        Size = size;
    }

    /// <summary>True when latent site (row, col) holds an input value ξ rather than a Gaussian noise.</summary>
    public abstract bool IsInputSite(int row, int col);

    /// <summary>
    /// Draws <paramref name="chains"/> independent latents z ~ p_z (chains × S², double) from the stream
    /// <c>new Xoshiro256(seed)</c>; same seed → same draws. Values are float32 as the flow sees them.
    /// </summary>
    public double[] Draw(int chains, ulong seed)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        var z = new float[chains * Sites];
        Draw(new Xoshiro256(seed), z);
        return Numerics.Precision.ToDouble(z);
    }

    /// <summary>Fills <paramref name="configurations"/> (batch × S²) with latents z ~ p_z drawn from <paramref name="rng"/>.</summary>
    public abstract void Draw(Xoshiro256 rng, Span<float> configurations);

    /// <summary>Differential entropy of p_z when known exactly; null otherwise.</summary>
    public virtual double? Entropy => null;

    /// <summary>True when <see cref="LogDensity"/> can be evaluated.</summary>
    public abstract bool HasDensity { get; }

    /// <summary>
    /// ln p_z(z) per sample up to one constant common to all z (batch × S² values in, one per sample out), for
    /// importance weights ln w = −E_x(F(z)) + ln|det ∂F/∂z| − ln p_z(z).
    /// </summary>
    public abstract void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity);

    /// <summary>Batch size of a latent buffer, with a one-line error when the length is not a whole number of latents.</summary>
    protected int BatchOf(int length)
    {
        if (length == 0 || length % Sites != 0)
            throw new ArgumentException($"latent length {length} is not a positive multiple of S² = {Sites}");
        return length / Sites;
    }
}
