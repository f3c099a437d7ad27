using PureHDF;

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
        long n2 = (long)meta.Size * meta.Size;
        if (count < 0 || x.Length < count * n2) throw new ArgumentException("fewer values than count·L² were given");
        var data = x.Length == count * n2 ? x : x.AsSpan(0, (int)(count * n2)).ToArray();
        var dataset = new H5Dataset(data, fileDims: [(ulong)count, (ulong)meta.Size, (ulong)meta.Size]);
        dataset.Attributes["size"] = meta.Size;
        dataset.Attributes["temperature"] = meta.Temperature;
        dataset.Attributes["shift"] = meta.Shift;
        dataset.Attributes["sampler"] = meta.Sampler;
        dataset.Attributes["seed"] = meta.Seed;
        dataset.Attributes["chains"] = meta.Chains;
        var file = new H5File { [Dataset] = dataset };
        AtomicFile.Write(path, tmp => file.Write(tmp));
    }

    /// <summary>Reads a file written by <see cref="Write"/>: the values (n·L² floats, row-major), n, and the metadata.</summary>
    public static (float[] X, int Count, RelaxedConfigurationMetadata Metadata) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: {path}");
        try
        {
            using var file = H5File.OpenRead(path);
            if (!file.LinkExists(Dataset))
                throw new InvalidDataException($"{path} has no '{Dataset}' dataset: not a spinflow relaxed-configuration file");
            var ds = file.Dataset(Dataset);
            var dims = ds.Space.Dimensions;
            if (dims.Length != 3 || dims[1] != dims[2]) throw new InvalidDataException($"{path}: '{Dataset}' must have shape [n, L, L]");
            foreach (var name in new[] { "size", "temperature", "shift", "sampler", "seed" })
                if (!ds.AttributeExists(name)) throw new InvalidDataException($"{path}: '{Dataset}' lacks the '{name}' attribute");
            var x = ds.Read<float[]>();
            var meta = new RelaxedConfigurationMetadata(
                ds.Attribute("size").Read<int>(),
                ds.Attribute("temperature").Read<double>(),
                ds.Attribute("shift").Read<double>(),
                ds.Attribute("sampler").Read<string>(),
                ds.Attribute("seed").Read<ulong>(),
                ds.AttributeExists("chains") ? ds.Attribute("chains").Read<int>() : 1);
            if (meta.Size != (int)dims[1]) throw new InvalidDataException($"{path}: size attribute {meta.Size} does not match dataset shape");
            return (x, (int)dims[0], meta);
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a readable spinflow HDF5 relaxed-configuration file: {e.Message}");
        }
    }
}
