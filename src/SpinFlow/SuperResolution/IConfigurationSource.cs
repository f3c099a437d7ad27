using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// A distribution of configurations on an S×S periodic lattice that draws whole batches from one random stream: the
/// input ξ of a super-resolution flow, or the latent z of the flow being trained (DESIGN.md §6, §9). Drawing from a given
/// stream only is what keeps training exactly resumable (step k uses stream (seed, k) and nothing else).
/// Implementations may keep per-batch scratch buffers, so they are not thread-safe.
/// </summary>
public interface IConfigurationSource
{
    /// <summary>Lattice side S of one configuration.</summary>
    int Size { get; }

    /// <summary>Differential entropy H of one configuration, exact or estimated, when known; null otherwise.</summary>
    double? Entropy { get; }

    /// <summary>
    /// The source of the input configuration ξ this latent is composed around (the super-resolution latent), or null for a
    /// latent drawn whole (the NNRG prior, a data set): the γ-term of training needs ξ, and the input size comes from it.
    /// </summary>
    IConfigurationSource? Input => null;

    /// <summary>ξ of the last <see cref="Draw"/> (batch × L²) when <see cref="Input"/> is set; empty otherwise.</summary>
    ReadOnlySpan<float> LastInput => default;

    /// <summary>Fills <paramref name="configurations"/> (batch × S², sample-major, row-major) with a batch drawn from <paramref name="rng"/>.</summary>
    void Draw(Xoshiro256 rng, Span<float> configurations);
}
