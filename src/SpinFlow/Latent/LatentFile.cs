using SpinFlow.IO;

namespace SpinFlow.Latent;

/// <summary>
/// The final latents z of latent-HMC chains, stored in the relaxed-file format with their own sampler tag so that no
/// command mistakes them for configurations ξ or x (the pipeline's samples/z-*.h5).
/// </summary>
public static class LatentFile
{
    /// <summary>The <c>sampler</c> attribute of a latent file.</summary>
    public const string SamplerName = "latent-hmc-z";

    /// <summary>Throws a one-line <see cref="InvalidDataException"/> naming <paramref name="option"/> when the file at <paramref name="path"/> holds latents.</summary>
    public static void RefuseAsConfigurations(RelaxedConfigurationMetadata metadata, string option, string path)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (metadata.Sampler == SamplerName)
            throw new InvalidDataException($"{option} {path} is a pipeline latent file (latents z of latent HMC, sampler '{SamplerName}'), not configurations: " +
                "use a data set from 'spinflow relaxed' (or a pipeline's data/xi-*.h5, samples/x-*.h5)");
    }
}
