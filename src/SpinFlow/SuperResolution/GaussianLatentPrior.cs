using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>The prior of the NNRG flow: z ~ N(0, I) on every site of the S×S lattice, no input data.</summary>
public sealed class GaussianLatentPrior(int size) : LatentPrior(size)
{
    /// <inheritdoc/>
    public override bool IsInputSite(int row, int col) => false;

    /// <inheritdoc/>
    public override void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        BatchOf(configurations.Length);
        rng.FillGaussian(configurations);
    }

    /// <summary>H(N(0, I)) = (S²/2) ln(2πe), exact.</summary>
    public override double? Entropy => 0.5 * Sites * Math.Log(2 * Math.PI * Math.E);

    /// <inheritdoc/>
    public override bool HasDensity => true;

    /// <inheritdoc/>
    public override void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity)
    {
        int batch = BatchOf(z.Length);
        if (logDensity.Length != batch) throw new ArgumentException($"logDensity needs {batch} entries", nameof(logDensity));
        for (int b = 0; b < batch; b++)
            logDensity[b] = -0.5 * System.Numerics.Tensors.TensorPrimitives.SumOfSquares(z.Slice(b * Sites, Sites));
    }
}
