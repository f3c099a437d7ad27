namespace SpinFlow.IO;

/// <summary>Metadata stored as attributes of the <c>x</c> dataset.</summary>
/// <param name="Size">Linear size L.</param>
/// <param name="Temperature">Temperature T.</param>
/// <param name="Shift">Shift c of K' = A/T + c·I: the relaxed distribution depends on it.</param>
/// <param name="Sampler">Name of the sampler ("exact", "naive-hmc").</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Chains">Chains the configurations were interleaved from (round by round, chain by chain); 1 when unknown.</param>
public sealed record RelaxedConfigurationMetadata(int Size, double Temperature, double Shift, string Sampler, ulong Seed, int Chains = 1);

/// <summary>
/// HDF5 file of relaxed (continuous-spin) configurations: dataset <c>x</c>, float32 [n, L, L], with attributes
/// size, temperature, shift, sampler, seed and chains. The input format of flow training.
/// </summary>
public static class RelaxedConfigurationFile
{
    /// <summary>Dataset name.</summary>
    public const string Dataset = "x";

    /// <summary>Writes <paramref name="count"/> configurations stored back to back in <paramref name="x"/>, atomically.</summary>
    public static void Write(string path, float[] x, int count, RelaxedConfigurationMetadata meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        LatticeDataset.Write(path, Dataset, x, count, meta.Size, new Dictionary<string, object>
        {
            ["size"] = meta.Size,
            ["temperature"] = meta.Temperature,
            ["shift"] = meta.Shift,
            ["sampler"] = meta.Sampler,
            ["seed"] = meta.Seed,
            ["chains"] = meta.Chains,
        });
    }

    /// <summary>
    /// Reads a file written by <see cref="Write"/> or by any HDF5 writer in the same layout (h5py with ordinary NumPy
    /// types: integers and floats of any width and byte order, float64 data converted to float32): the values
    /// (n·L² floats, row-major), n, and the metadata.
    /// </summary>
    public static (float[] X, int Count, RelaxedConfigurationMetadata Metadata) Read(string path) =>
        LatticeDataset.Read(path, Dataset, "relaxed-configuration", ["size", "temperature", "shift", "sampler", "seed"], r =>
        {
            var meta = new RelaxedConfigurationMetadata(
                r.Int("size", min: 1),
                r.Real("temperature"),
                r.Real("shift"),
                r.Text("sampler"),
                r.ULong("seed"),
                r.Has("chains") ? r.Int("chains", min: 1) : 1);
            return (r.Floats(), r.Count, meta);
        });
}
