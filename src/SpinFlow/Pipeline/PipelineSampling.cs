using SpinFlow.Flows;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;

namespace SpinFlow.Pipeline;

/// <summary>The pipeline's two uses of a trained stack: exact latent HMC at its output size and plain generation for the next level.</summary>
internal static class PipelineSampling
{
    /// <summary>The latent p_z of a stack of super-resolution flows over base-size data: ξ from the data set, Gaussian noises at every level.</summary>
    public static IConfigurationSource Latent(FlowStack stack, int baseSize, float[] xi)
    {
        int count = xi.Length / (baseSize * baseSize);
        IConfigurationSource source = new DataSetConfigurations(xi, count, baseSize);
        while (source.Size < stack.Size) source = new SuperResolutionLatent(source);
        if (source.Size != stack.Size) throw new ArgumentException($"base size {baseSize} does not double up to the stack's {stack.Size}");
        return source;
    }

    /// <summary>x = F(z), z ~ p_z: <paramref name="count"/> configurations of the stack's output lattice (float32, back to back).</summary>
    public static float[] Generate(FlowStack stack, int baseSize, float[] xi, int count, ulong seed, IProgress<double> progress, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var x = ConfigurationSampling.Sample(new GeneratedConfigurations(stack, Latent(stack, baseSize, xi)), count, seed);
        progress.Report(1);
        return x;
    }

    /// <summary>Latent HMC through the stack, chains started from p_z (ξ from the data set, Gaussian noises at every level).</summary>
    public static LatentHmcSampler LatentHmc(FlowStack stack, int baseSize, double temperature, float[] xi, RelaxedIsing inputModel, LatentHmcOptions options) =>
        new(stack, new SuperResolutionLatentPrior(baseSize, stack.Flows.Count, xi, inputModel), temperature, options);
}
