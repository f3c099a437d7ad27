using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>The prior of the NNRG flow: z ~ N(0, I) on every site of the S×S lattice, no input data.</summary>
public sealed class GaussianLatentPrior(int size) : LatentPrior(size)
{
    /// <inheritdoc/>
    public override bool IsInputSite(int row, int col) => false;

    /// <inheritdoc/>
    public override double[] Draw(int chains, ulong seed)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        // Drawn in float32 as the flow sees them, so a stored start reproduces F(z) exactly.
        var z = new float[chains * Sites];
        new Xoshiro256(seed).FillGaussian(z);
        return LatentHmcSampler.ToDouble(z);
    }

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
