using SpinFlow.Flows;
using SpinFlow.Latent;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Pipeline;

/// <summary>The pipeline's two uses of a trained stack: exact latent HMC at its output size and plain generation for the next level.</summary>
internal static class PipelineSampling
{
    /// <summary>
    /// The latent p_z of a stack of super-resolution flows over base-size data: ξ from the data set (with its model π_ξ
    /// when given), Gaussian noises at every level.
    /// </summary>
    public static SuperResolutionLatent Latent(FlowStack stack, int baseSize, float[] xi, RelaxedIsing? inputModel = null)
    {
        if (baseSize < 1 || baseSize << stack.Flows.Count != stack.Size)
            throw new ArgumentException($"base size {baseSize} does not double up to the stack's {stack.Size}");
        return new SuperResolutionLatent(new DataSetDistribution(xi, xi.Length / (baseSize * baseSize), baseSize, inputModel), stack.Flows.Count);
    }

    /// <summary>x = F(z), z ~ p_z: <paramref name="count"/> configurations of the stack's output lattice (float32, back to back).</summary>
    public static float[] Generate(FlowStack stack, int baseSize, float[] xi, int count, ulong seed, IProgress<double> progress, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var x = new GeneratedDistribution(stack, Latent(stack, baseSize, xi)).DrawDataSet(count, seed);
        progress.Report(1);
        return x;
    }

    /// <summary>Latent HMC through the stack, chains started from p_z (ξ from the data set, Gaussian noises at every level).</summary>
    public static LatentHmcSampler LatentHmc(FlowStack stack, int baseSize, double temperature, float[] xi, RelaxedIsing inputModel, LatentHmcOptions options) =>
        new(stack, Latent(stack, baseSize, xi, inputModel), temperature, options);
}
