using PureHDF;

namespace SpinFlow.IO;

/// <summary>The HDF5 layout both configuration files share: one dataset of shape [n, L, L] with the run's metadata as attributes.</summary>
internal static class LatticeDataset
{
    /// <summary>Writes the first <paramref name="count"/> configurations of <paramref name="values"/> (L² each) atomically.</summary>
    public static void Write<T>(string path, string name, T[] values, int count, int size, IEnumerable<KeyValuePair<string, object>> attributes)
    {
        long n2 = (long)size * size;
        if (count < 0 || values.Length < count * n2) throw new ArgumentException("fewer values than count·L² were given");
        var data = values.Length == count * n2 ? values : values.AsSpan(0, (int)(count * n2)).ToArray();
        var dataset = new H5Dataset(data, fileDims: [(ulong)count, (ulong)size, (ulong)size]);
        foreach (var (key, value) in attributes) dataset.Attributes[key] = value;
        var file = new H5File { [name] = dataset };
        AtomicFile.Write(path, tmp => file.Write(tmp));
    }

    /// <summary>
    /// Opens dataset <paramref name="name"/>, checks the [n, L, L] shape, the <paramref name="required"/> attributes and
    /// that "size" equals L, then hands it to <paramref name="read"/> with n. Any failure is one clear
    /// <see cref="InvalidDataException"/> naming the file and <paramref name="kind"/>.
    /// </summary>
    public static TResult Read<TResult>(string path, string name, string kind, string[] required, Func<IH5Dataset, int, TResult> read)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: {path}");
        try
        {
            using var file = H5File.OpenRead(path);
            if (!file.LinkExists(name)) throw new InvalidDataException($"{path} has no '{name}' dataset: not a spinflow {kind} file");
            var ds = file.Dataset(name);
            var dims = ds.Space.Dimensions;
            if (dims.Length != 3 || dims[1] != dims[2]) throw new InvalidDataException($"{path}: '{name}' must have shape [n, L, L]");
            foreach (var attribute in required)
                if (!ds.AttributeExists(attribute)) throw new InvalidDataException($"{path}: '{name}' lacks the '{attribute}' attribute");
            int size = ds.Attribute("size").Read<int>();
            if (size != (int)dims[1]) throw new InvalidDataException($"{path}: size attribute {size} does not match dataset shape");
            return read(ds, (int)dims[0]);
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a readable spinflow HDF5 {kind} file: {e.Message}");
        }
    }
}
