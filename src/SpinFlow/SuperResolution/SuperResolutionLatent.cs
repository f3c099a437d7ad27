using SpinFlow.Flows;
using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The latent of a super-resolution flow on the 2L×2L lattice: an input configuration ξ from an L×L source at sites
/// (2i, 2j) and independent N(0, 1) noises at the other three sites of each block, p_z(z) = p_ξ(ξ) p_g(g) (DESIGN.md §5.2).
/// Nested (a super-resolution latent as the input of another) it is the latent of a <see cref="FlowStack"/> of
/// super-resolution flows. Keeps the last batch's ξ, which the γ-term of training needs.
/// </summary>
public sealed class SuperResolutionLatent : IConfigurationSource
{
    private float[] _xi = [], _noise = [];
    private int _lastBatch;

    /// <summary>The L×L source of ξ.</summary>
    public IConfigurationSource Input { get; }

    /// <inheritdoc/>
    public int Size => 2 * Input.Size;

    /// <summary>H(ξ) + (3L²/2) ln(2πe) when H(ξ) is known.</summary>
    public double? Entropy => Input.Entropy is double h ? h + NoiseEntropy(Input.Size) : null;

    /// <summary>ξ of the last <see cref="Draw"/> (batch × L²).</summary>
    public ReadOnlySpan<float> LastInput => _xi.AsSpan(0, _lastBatch * Input.Size * Input.Size);

    /// <summary>The latent with ξ drawn from <paramref name="input"/>.</summary>
    public SuperResolutionLatent(IConfigurationSource input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Input = input;
    }

    /// <summary>Entropy (3L²/2) ln(2πe) of the 3L² Gaussian noises of Flow_L's latent.</summary>
    public static double NoiseEntropy(int inputSize) => 1.5 * inputSize * inputSize * Math.Log(2 * Math.PI * Math.E);

    /// <summary>Draws ξ (from <see cref="Input"/>) first, then the noises, both from <paramref name="rng"/>, and composes z.</summary>
    public void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Input.Size * Input.Size;
        if (configurations.Length % (4 * n) != 0) throw new ArgumentException($"length {configurations.Length} is not a multiple of (2L)² = {4 * n}", nameof(configurations));
        int batch = configurations.Length / (4 * n);
        if (_xi.Length != batch * n)
        {
            _xi = new float[batch * n];
            _noise = new float[batch * 3 * n];
        }
        Input.Draw(rng, _xi);
        rng.FillGaussian(_noise);
        SuperResolutionFlow.ComposeLatent(_xi, _noise, configurations, Input.Size);
        _lastBatch = batch;
    }
}
