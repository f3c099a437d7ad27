using PureHDF;

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
    public static void Write(string path, sbyte[] spins, int count, SpinConfigurationMetadata meta)
    {
        int n2 = meta.Size * meta.Size;
        if (spins.Length < (long)count * n2) throw new ArgumentException("fewer spins than count·L² were given");
        var data = spins.Length == count * n2 ? spins : spins.AsSpan(0, count * n2).ToArray();
        var dataset = new H5Dataset(data, fileDims: [(ulong)count, (ulong)meta.Size, (ulong)meta.Size]);
        dataset.Attributes["size"] = meta.Size;
        dataset.Attributes["temperature"] = meta.Temperature;
        dataset.Attributes["algorithm"] = meta.Algorithm;
        dataset.Attributes["seed"] = meta.Seed;
        dataset.Attributes["sweeps_between_saves"] = meta.SweepsBetweenSaves;
        var file = new H5File { [Dataset] = dataset };
        AtomicFile.Write(path, tmp => file.Write(tmp));
    }

    /// <summary>Reads a file written by <see cref="Write"/>; returns the spins (n·L² values) and metadata.</summary>
    public static (sbyte[] Spins, int Count, SpinConfigurationMetadata Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: {path}");
        try
        {
            using var file = H5File.OpenRead(path);
            if (!file.LinkExists(Dataset)) throw new InvalidDataException($"{path} has no '{Dataset}' dataset: not a spinflow configuration file");
            var ds = file.Dataset(Dataset);
            var dims = ds.Space.Dimensions;
            if (dims.Length != 3 || dims[1] != dims[2]) throw new InvalidDataException($"{path}: '{Dataset}' must have shape [n, L, L]");
            var spins = ds.Read<sbyte[]>();
            var meta = new SpinConfigurationMetadata(
                ds.Attribute("size").Read<int>(),
                ds.Attribute("temperature").Read<double>(),
                ds.Attribute("algorithm").Read<string>(),
                ds.Attribute("seed").Read<ulong>(),
                ds.Attribute("sweeps_between_saves").Read<int>());
            if (meta.Size != (int)dims[1]) throw new InvalidDataException($"{path}: size attribute {meta.Size} does not match dataset shape");
            return (spins, (int)dims[0], meta);
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a readable spinflow HDF5 configuration file: {e.Message}");
        }
    }
}
