using SpinFlow.Flows;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The prior of a super-resolution flow Flow_L0 or of a stack Flow_L0 → Flow_2L0 → … (<see cref="FlowStack"/>) on the
/// S×S lattice, S = 2^levels·L0: ξ drawn from a data set of L0×L0 configurations sits on the stride-(S/L0) sublattice and
/// every other site is a noise ~ N(0, 1). p_z(z) = π_ξ(ξ) Π N(g; 0, 1).
/// </summary>
/// <remarks>
/// The noises of one sample are stored level by level, coarsest first: level k (lattice 2ℓ×2ℓ with ℓ = 2^(k−1)·L0) holds
/// 3ℓ² noises in the block order of <see cref="SuperResolutionFlow.ComposeLatent"/>, so a one-level prior lays out z
/// exactly as Flow_L0 expects and every later level puts its noises around the previous level's lattice, as each later
/// flow of the stack expects.
/// </remarks>
public sealed class SuperResolutionLatentPrior : LatentPrior
{
    private readonly double[] _inputs;

    /// <summary>Side L0 of the input configurations ξ.</summary>
    public int InputSize { get; }

    /// <summary>Number of super-resolution flows (doublings) between ξ and the latent lattice.</summary>
    public int Levels { get; }

    /// <summary>Sublattice stride of ξ in the latent, S / L0.</summary>
    public int Stride => Size / InputSize;

    /// <summary>Noise values per sample, S² − L0².</summary>
    public int NoiseSites => Sites - InputSize * InputSize;

    /// <summary>
    /// Level of a latent site: 0 for ξ (the stride-2^Levels sublattice), k for the noises that flow k of the stack adds
    /// (the stride-2^(Levels−k) sublattice minus every coarser one).
    /// </summary>
    public int LevelOf(int site)
    {
        if ((uint)site >= (uint)Sites) throw new ArgumentOutOfRangeException(nameof(site), site, $"site outside the {Size}×{Size} latent lattice");
        int r = site / Size, c = site % Size;
        // The 1 << 30 guard makes row or column 0 count as divisible by every stride.
        int tz = Math.Min(System.Numerics.BitOperations.TrailingZeroCount(r | 1 << 30), System.Numerics.BitOperations.TrailingZeroCount(c | 1 << 30));
        return Levels - Math.Min(tz, Levels);
    }

    /// <summary>Number of ξ configurations in the data set.</summary>
    public int InputCount => _inputs.Length / (InputSize * InputSize);

    /// <summary>The relaxed model π_ξ the data set was drawn from, when known (needed by <see cref="LogDensity"/>).</summary>
    public RelaxedIsing? InputModel { get; }

    /// <summary>
    /// Prior of <paramref name="levels"/> stacked super-resolution flows over <paramref name="inputs"/> (L0×L0 configurations
    /// back to back); <paramref name="inputModel"/>, if given, is the model at T_ξ the data set samples.
    /// </summary>
    public SuperResolutionLatentPrior(int inputSize, int levels, ReadOnlySpan<double> inputs, RelaxedIsing? inputModel = null)
        : base(CheckedSize(inputSize, levels))
    {
        int l2 = inputSize * inputSize;
        if (inputs.Length == 0 || inputs.Length % l2 != 0)
            throw new ArgumentException($"inputs must hold whole {inputSize}×{inputSize} configurations (a positive multiple of {l2} values), got {inputs.Length}", nameof(inputs));
        if (inputModel is not null && inputModel.Size != inputSize)
            throw new ArgumentException($"the input model is {inputModel.Size}×{inputModel.Size} but the inputs are {inputSize}×{inputSize}", nameof(inputModel));
        for (int i = 0; i < inputs.Length; i++)
            if (!double.IsFinite(inputs[i]))
                throw new ArgumentException($"input configuration {i / l2} holds a non-finite value at site {i % l2}", nameof(inputs));
        InputSize = inputSize;
        Levels = levels;
        InputModel = inputModel;
        _inputs = inputs.ToArray();
    }

    /// <summary>As the double-precision constructor, with float32 input configurations.</summary>
    public SuperResolutionLatentPrior(int inputSize, int levels, ReadOnlySpan<float> inputs, RelaxedIsing? inputModel = null)
        : this(inputSize, levels, Numerics.Precision.ToDouble(inputs), inputModel) { }

    /// <summary>
    /// Prior of the single super-resolution flow <paramref name="flow"/> (L×L → 2L×2L) over <paramref name="inputs"/>
    /// (L×L configurations back to back); a flow of odd size or inputs that are not whole configurations throw.
    /// </summary>
    internal static SuperResolutionLatentPrior OfFlow(ILatticeFlow flow, ReadOnlySpan<double> inputs)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (flow.Size % 2 != 0) throw new ArgumentException($"a super-resolution flow generates an even lattice, not {flow.Size}×{flow.Size}", nameof(flow));
        int l = flow.Size / 2, l2 = l * l;
        if (inputs.Length == 0 || inputs.Length % l2 != 0)
            throw new ArgumentException($"inputs must hold whole {l}×{l} configurations (a positive multiple of {l2} values), got {inputs.Length}");
        return new SuperResolutionLatentPrior(l, 1, inputs);
    }

    private static int CheckedSize(int inputSize, int levels)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), inputSize, "input size must be positive");
        if (levels < 1 || levels > 20 || ((long)inputSize << levels) > 1 << 16)
            throw new ArgumentOutOfRangeException(nameof(levels), levels, $"need 1 or more levels and a latent of at most 65536 per side (input {inputSize})");
        return inputSize << levels;
    }

    /// <inheritdoc/>
    public override bool IsInputSite(int row, int col) => row % Stride == 0 && col % Stride == 0;

    /// <summary>Copies ξ number <paramref name="index"/> of the data set into <paramref name="xi"/> (L0² values).</summary>
    public void CopyInput(int index, Span<double> xi)
    {
        int l2 = InputSize * InputSize;
        _inputs.AsSpan(index * l2, l2).CopyTo(xi);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One stream: the data-set picks of the whole batch first, then all noises, so a one-level prior draws exactly what
    /// <see cref="LatentHmcSampler.StartingPoints"/> always drew.
    /// </remarks>
    public override void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int batch = BatchOf(configurations.Length), l2 = InputSize * InputSize;
        var xi = new float[batch * l2];
        for (int c = 0; c < batch; c++)
        {
            int pick = rng.NextInt(InputCount);
            for (int k = 0; k < l2; k++) xi[c * l2 + k] = (float)_inputs[pick * l2 + k];
        }
        var g = new float[batch * NoiseSites];
        rng.FillGaussian(g);
        Compose(xi, g, configurations);
    }

    /// <summary>
    /// Writes latents z (batch × S²) from ξ (batch × L0²) and noises (batch × <see cref="NoiseSites"/>, level by level,
    /// coarsest first).
    /// </summary>
    public void Compose(ReadOnlySpan<float> xi, ReadOnlySpan<float> noise, Span<float> z)
    {
        int l2 = InputSize * InputSize;
        if (xi.Length == 0 || xi.Length % l2 != 0) throw new ArgumentException($"ξ length {xi.Length} is not a positive multiple of L0² = {l2}", nameof(xi));
        int batch = xi.Length / l2;
        if (noise.Length != batch * NoiseSites) throw new ArgumentException($"noise needs {NoiseSites} values per sample, {batch * NoiseSites} in all; got {noise.Length}", nameof(noise));
        if (z.Length != batch * Sites) throw new ArgumentException($"z needs {Sites} values per sample, {batch * Sites} in all; got {z.Length}", nameof(z));
        if (Levels == 1)
        {
            SuperResolutionFlow.ComposeLatent(xi, noise, z, InputSize);
            return;
        }
        var a = new float[Sites];
        var b = new float[Sites];
        for (int s = 0; s < batch; s++)
        {
            xi.Slice(s * l2, l2).CopyTo(a);
            var g = noise.Slice(s * NoiseSites, NoiseSites);
            int l = InputSize;
            for (int k = 0; k < Levels; k++, l *= 2)
            {
                // Level k's noises start after those of the coarser levels: (ℓ² − L0²) values.
                int n = l * l;
                SuperResolutionFlow.ComposeLatent(a.AsSpan(0, n), g.Slice(n - l2, 3 * n), b.AsSpan(0, 4 * n), l);
                (a, b) = (b, a);
            }
            a.AsSpan().CopyTo(z.Slice(s * Sites, Sites));
        }
    }

    /// <inheritdoc/>
    public override bool HasDensity => InputModel is not null;

    /// <inheritdoc/>
    /// <remarks>ln p_z = −E_ξ(ξ) − ½|g|² + const; needs <see cref="InputModel"/>.</remarks>
    public override void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity)
    {
        if (InputModel is null) throw new InvalidOperationException("ln p_z needs the input model π_ξ (temperature and shift of the data set)");
        int batch = BatchOf(z.Length);
        if (logDensity.Length != batch) throw new ArgumentException($"logDensity needs {batch} entries", nameof(logDensity));
        int l = InputSize, stride = Stride;
        var xi = new double[l * l];
        for (int b = 0; b < batch; b++)
        {
            var zs = z.Slice(b * Sites, Sites);
            double xi2 = 0;
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                {
                    double v = zs[i * stride * Size + j * stride];
                    xi[i * l + j] = v;
                    xi2 += v * v;
                }
            double g2 = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(zs) - xi2;
            logDensity[b] = -InputModel.Energy(xi) - 0.5 * g2;
        }
    }
}
