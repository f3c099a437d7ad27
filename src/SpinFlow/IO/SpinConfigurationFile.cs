namespace SpinFlow.IO;

/// <summary>Metadata stored as attributes next to the <c>configs</c> dataset.</summary>
/// <param name="Size">Linear size L.</param>
/// <param name="Temperature">Temperature T.</param>
/// <param name="Algorithm">Name of the sampler that produced them.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="SweepsBetweenSaves">Sweeps between two stored configurations.</param>
public sealed record SpinConfigurationMetadata(int Size, double Temperature, string Algorithm, ulong Seed, int SweepsBetweenSaves);

/// <summary>HDF5 file of ±1 spin configurations: dataset <c>configs</c>, int8 [n, L, L], with the run's metadata as attributes.</summary>
public static class SpinConfigurationFile
{
    /// <summary>Dataset name.</summary>
    public const string Dataset = "configs";

    /// <summary>Writes <paramref name="count"/> configurations stored back to back in <paramref name="spins"/>, atomically.</summary>
    public static void Write(string path, sbyte[] spins, int count, SpinConfigurationMetadata meta) =>
        LatticeDataset.Write(path, Dataset, spins, count, meta.Size, new Dictionary<string, object>
        {
            ["size"] = meta.Size,
            ["temperature"] = meta.Temperature,
            ["algorithm"] = meta.Algorithm,
            ["seed"] = meta.Seed,
            ["sweeps_between_saves"] = meta.SweepsBetweenSaves,
        });

    /// <summary>
    /// Reads a file written by <see cref="Write"/> or by any HDF5 writer in the same layout (spins of any integer type,
    /// values ±1; attributes of any numeric width and byte order); returns the spins (n·L² values) and metadata.
    /// </summary>
    public static (sbyte[] Spins, int Count, SpinConfigurationMetadata Metadata) Read(string path) =>
        LatticeDataset.Read(path, Dataset, "configuration", ["size", "temperature", "algorithm", "seed", "sweeps_between_saves"], r =>
        {
            var meta = new SpinConfigurationMetadata(
                r.Int("size", min: 1),
                r.Real("temperature"),
                r.Text("algorithm"),
                r.ULong("seed"),
                r.Int("sweeps_between_saves"));
            return (r.Spins(), r.Count, meta);
        });
}
