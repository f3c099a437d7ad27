namespace SpinFlow.IO;

/// <summary>Metadata stored as attributes of the <c>x</c> dataset.</summary>
/// <param name="Size">Linear size L.</param>
/// <param name="Temperature">Temperature T.</param>
/// <param name="Shift">Shift c of K' = A/T + c·I: the relaxed distribution depends on it.</param>
/// <param name="Sampler">Name of the sampler ("exact", "naive-hmc").</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="Chains">Chains the configurations were interleaved from (round by round, chain by chain); 1 when unknown.</param>
/// <param name="Model">The spin model relaxed ("ising", "clock:Q", "xy"); Ising files carry no <c>model</c> attribute.</param>
public sealed record RelaxedConfigurationMetadata(int Size, double Temperature, double Shift, string Sampler, ulong Seed, int Chains = 1, string Model = RelaxedConfigurationFile.IsingModel);

/// <summary>
/// HDF5 file of relaxed (continuous-spin) configurations: dataset <c>x</c>, float32 [n, L, L] for the Ising model and
/// [n, L, L, 2] for the clock and XY models, with attributes size, temperature, shift, sampler, seed, chains and
/// (except for Ising) model. The input format of flow training.
/// </summary>
public static class RelaxedConfigurationFile
{
    /// <summary>Dataset name.</summary>
    public const string Dataset = "x";

    /// <summary>The model of a file without a <c>model</c> attribute.</summary>
    public const string IsingModel = "ising";

    /// <summary>
    /// Writes <paramref name="count"/> configurations stored back to back in <paramref name="x"/> (L² values each for Ising,
    /// 2L² site-major pairs otherwise), atomically.
    /// </summary>
    public static void Write(string path, float[] x, int count, RelaxedConfigurationMetadata meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        string model = Canonical(meta.Model);
        var attributes = new Dictionary<string, object>
        {
            ["size"] = meta.Size,
            ["temperature"] = meta.Temperature,
            ["shift"] = meta.Shift,
            ["sampler"] = meta.Sampler,
            ["seed"] = meta.Seed,
            ["chains"] = meta.Chains,
        };
        // Ising files stay [n, L, L] without a model attribute, the layout every Ising reader and older build expects.
        if (model != IsingModel) attributes["model"] = model;
        LatticeDataset.Write(path, Dataset, x, count, meta.Size, attributes, model == IsingModel ? 1 : 2);
    }

    /// <summary>
    /// Reads a relaxed Ising file written by <see cref="Write"/> or by any HDF5 writer in the same layout (h5py with ordinary
    /// NumPy types: integers and floats of any width and byte order, float64 data converted to float32): the values
    /// (n·L² floats, row-major), n, and the metadata. A file of another model is refused.
    /// </summary>
    public static (float[] X, int Count, RelaxedConfigurationMetadata Metadata) Read(string path) => Read(path, IsingModel);

    /// <summary>
    /// Reads a file of relaxed <paramref name="model"/> configurations ("ising", "clock:Q", "xy"; n·L² values for Ising,
    /// n·2L² otherwise). A file whose <c>model</c> attribute (absent: Ising) names another model is refused with one line
    /// naming the file and both models.
    /// </summary>
    public static (float[] X, int Count, RelaxedConfigurationMetadata Metadata) Read(string path, string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string expected = Canonical(model);
        return LatticeDataset.Read(path, Dataset, "relaxed-configuration", ["size", "temperature", "shift", "sampler", "seed"], r =>
        {
            string found = r.Has("model") ? Canonical(r.Text("model")) : IsingModel;
            if (found != expected)
                throw new InvalidDataException($"{path} holds relaxed {found} configurations, but {expected} ones are needed here");
            int components = found == IsingModel ? 1 : 2;
            if (r.Components != components)
                throw new InvalidDataException($"{path}: '{Dataset}' of a relaxed {found} file must have shape {(components == 1 ? "[n, L, L]" : "[n, L, L, 2]")}");
            var meta = new RelaxedConfigurationMetadata(
                r.Int("size", min: 1),
                r.Real("temperature"),
                r.Real("shift"),
                r.Text("sampler"),
                r.ULong("seed"),
                r.Has("chains") ? r.Int("chains", min: 1) : 1,
                found);
            return (r.Floats(), r.Count, meta);
        }, allowPairs: true);
    }

    private static string Canonical(string model) => model.Trim().ToLowerInvariant();
}
