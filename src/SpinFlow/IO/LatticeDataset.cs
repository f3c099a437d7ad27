using System.Globalization;
using System.Numerics;
using PureHDF;

namespace SpinFlow.IO;

/// <summary>
/// The HDF5 layout both configuration files share: one dataset of shape [n, L, L] (or [n, L, L, 2] for two components per
/// site) with the run's metadata as attributes.
/// </summary>
internal static class LatticeDataset
{
    /// <summary>
    /// Writes the first <paramref name="count"/> configurations of <paramref name="values"/> (L²·components each) atomically;
    /// <paramref name="components"/> = 2 adds a last dimension of 2.
    /// </summary>
    public static void Write<T>(string path, string name, T[] values, int count, int size, IEnumerable<KeyValuePair<string, object>> attributes, int components = 1)
    {
        if (components is not (1 or 2)) throw new ArgumentOutOfRangeException(nameof(components), components, "1 or 2 components per site");
        long n2 = (long)size * size * components;
        if (count < 0 || values.Length < count * n2) throw new ArgumentException("fewer values than count·L² were given");
        var data = values.Length == count * n2 ? values : values.AsSpan(0, (int)(count * n2)).ToArray();
        ulong[] dims = components == 1 ? [(ulong)count, (ulong)size, (ulong)size] : [(ulong)count, (ulong)size, (ulong)size, 2];
        var dataset = new H5Dataset(data, fileDims: dims);
        foreach (var (key, value) in attributes) dataset.Attributes[key] = value;
        var file = new H5File { [name] = dataset };
        AtomicFile.Write(path, tmp => file.Write(tmp));
    }

    /// <summary>
    /// Opens dataset <paramref name="name"/>, checks the [n, L, L] shape, the <paramref name="required"/> attributes and
    /// that "size" equals L, then hands it to <paramref name="read"/>. With <paramref name="allowPairs"/> the shape
    /// [n, L, L, 2] is accepted too (<see cref="Reader.Components"/> = 2). Any failure is one clear
    /// <see cref="InvalidDataException"/> naming the file and <paramref name="kind"/> (and the field, where one is at fault).
    /// </summary>
    public static TResult Read<TResult>(string path, string name, string kind, string[] required, Func<Reader, TResult> read, bool allowPairs = false)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"no such file: {path}");
        try
        {
            using var file = H5File.OpenRead(path);
            if (!file.LinkExists(name)) throw new InvalidDataException($"{path} has no '{name}' dataset: not a spinflow {kind} file");
            var ds = file.Dataset(name);
            var dims = ds.Space.Dimensions;
            bool pairs = allowPairs && dims.Length == 4 && dims[3] == 2;
            if ((dims.Length != 3 && !pairs) || dims[1] != dims[2] || dims[1] > int.MaxValue || dims[0] * dims[1] * dims[2] * (pairs ? 2UL : 1UL) > int.MaxValue)
                throw new InvalidDataException($"{path}: '{name}' must have shape [n, L, L]{(allowPairs ? " or [n, L, L, 2]" : "")}");
            foreach (var attribute in required)
                if (!ds.AttributeExists(attribute)) throw new InvalidDataException($"{path}: '{name}' lacks the '{attribute}' attribute");
            var reader = new Reader(path, name, ds, (int)dims[0], (int)dims[1], pairs ? 2 : 1);
            int size = reader.Int("size", min: 1);
            if (size != (int)dims[1]) throw new InvalidDataException($"{path}: size attribute {size} does not match dataset shape");
            return read(reader);
        }
        catch (Exception e) when (e is not InvalidDataException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path} is not a readable spinflow HDF5 {kind} file: {e.Message}");
        }
    }

    /// <summary>
    /// Reads the dataset and its attributes whatever numeric types the writer chose (any integer or float width,
    /// either byte order), converting to the library's types where the value fits exactly.
    /// </summary>
    internal sealed class Reader(string path, string name, IH5Dataset dataset, int count, int size, int components = 1)
    {
        /// <summary>Number of configurations n.</summary>
        public int Count => count;

        /// <summary>Values per site: 1 for [n, L, L], 2 for [n, L, L, 2].</summary>
        public int Components => components;

        /// <summary>Whether the dataset carries attribute <paramref name="attribute"/>.</summary>
        public bool Has(string attribute) => dataset.AttributeExists(attribute);

        /// <summary>An integer attribute in [<paramref name="min"/>, int.MaxValue]; a float is accepted when it is integral.</summary>
        public int Int(string attribute, int min = int.MinValue) => (int)Integer(attribute, min, int.MaxValue);

        /// <summary>A non-negative integer attribute of up to 64 bits (a seed).</summary>
        public ulong ULong(string attribute) => (ulong)Integer(attribute, 0, ulong.MaxValue);

        /// <summary>A real attribute; integers are accepted where float64 holds them exactly.</summary>
        public double Real(string attribute)
        {
            var value = Number(attribute, "a number");
            if (!value.IsInteger) return value.Real;
            if ((Int128)value.Real != value.Integer) throw Bad($"attribute '{attribute}' = {value} has no exact float64 value");
            return value.Real;
        }

        /// <summary>A string attribute, fixed- or variable-length, ASCII or UTF-8.</summary>
        public string Text(string attribute)
        {
            var a = Single(attribute);
            string? text = null;
            if (a.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength)
            {
                // A variable-length sequence of numbers is VariableLength too: PureHDF refuses to read it as a string.
                try { text = a.Read<string>(); } catch (Exception e) when (e is not InvalidDataException) { }
            }
            if (text is null) throw Bad($"attribute '{attribute}' must be a string, got {Describe(a.Type)}");
            return text.TrimEnd('\0');
        }

        /// <summary>The configurations as float32, row-major; float16 and float64 data are converted (float64 values must fit float32).</summary>
        public float[] Floats()
        {
            var type = dataset.Type;
            if (type.Class != H5DataTypeClass.FloatingPoint || !Hdf5Number.IsNumeric(type))
                throw Bad($"dataset '{name}' must hold floating-point values, got {Describe(type)}");
            float[] values;
            try
            {
                values = type.Size switch
                {
                    4 => dataset.Read<float[]>(),
                    8 => ToFloat(dataset.Read<double[]>(), v => v),
                    _ => ToFloat(dataset.Read<Half[]>(), v => (double)v),
                };
            }
            catch (Exception e) when (Hdf5Number.IsForeignByteOrder(e))
            {
                values = ToFloat(DecodeRaw(), v => v.Real);
            }
            CheckLength(values.Length);
            return values;
        }

        /// <summary>The configurations as ±1 spins, row-major, from integers of any width.</summary>
        public sbyte[] Spins()
        {
            var type = dataset.Type;
            if (type.Class != H5DataTypeClass.FixedPoint || !Hdf5Number.IsNumeric(type))
                throw Bad($"dataset '{name}' must hold integer spins, got {Describe(type)}");
            sbyte[] spins;
            try
            {
                spins = (type.Size, type.FixedPoint.IsSigned) switch
                {
                    (1, true) => ToSpins(dataset.Read<sbyte[]>()),
                    (1, false) => ToSpins(dataset.Read<byte[]>()),
                    (2, true) => ToSpins(dataset.Read<short[]>()),
                    (2, false) => ToSpins(dataset.Read<ushort[]>()),
                    (4, true) => ToSpins(dataset.Read<int[]>()),
                    (4, false) => ToSpins(dataset.Read<uint[]>()),
                    (_, true) => ToSpins(dataset.Read<long[]>()),
                    (_, false) => ToSpins(dataset.Read<ulong[]>()),
                };
            }
            catch (Exception e) when (Hdf5Number.IsForeignByteOrder(e))
            {
                spins = ToSpins(DecodeRaw().Select(v => v.Integer).ToArray());
            }
            CheckLength(spins.Length);
            return spins;
        }

        private Int128 Integer(string attribute, Int128 min, Int128 max)
        {
            var value = Number(attribute, "an integer");
            Int128 integer;
            if (value.IsInteger) integer = value.Integer;
            else if (!double.IsFinite(value.Real) || Math.Floor(value.Real) != value.Real) throw Bad($"attribute '{attribute}' must be an integer, got {value}");
            else integer = Math.Abs(value.Real) < 1e30 ? (Int128)value.Real : Int128.MaxValue; // beyond 1e30 is out of every range below
            if (integer < min || integer > max)
                throw Bad($"attribute '{attribute}' is out of range: {value} (must be {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)})");
            return integer;
        }

        private Hdf5Number Number(string attribute, string what)
        {
            var a = Single(attribute);
            if (!Hdf5Number.IsNumeric(a.Type)) throw Bad($"attribute '{attribute}' must be {what}, got {Describe(a.Type)}");
            return Hdf5Number.Read(a);
        }

        private IH5Attribute Single(string attribute)
        {
            if (!dataset.AttributeExists(attribute)) throw Bad($"'{name}' lacks the '{attribute}' attribute");
            var a = dataset.Attribute(attribute);
            ulong elements = a.Space.Type == H5DataspaceType.Scalar ? 1 : a.Space.Dimensions.Aggregate(1UL, (p, d) => p * d);
            if (a.Space.Type == H5DataspaceType.Null || elements != 1) throw Bad($"attribute '{attribute}' must be a single value");
            return a;
        }

        private Hdf5Number[] DecodeRaw()
        {
            // PureHDF 2.2.0 reads only the machine's byte order; its raw read skips that check, so decode the bytes here.
            var type = dataset.Type;
            byte[] raw = dataset.Read<byte[]>();
            if (raw.Length % type.Size != 0) throw Bad($"dataset '{name}' has {raw.Length} bytes, not a whole number of {type.Size}-byte values");
            var values = new Hdf5Number[raw.Length / type.Size];
            for (int i = 0; i < values.Length; i++)
                values[i] = Hdf5Number.Decode(type, raw.AsSpan(i * type.Size, type.Size), bigEndian: BitConverter.IsLittleEndian);
            return values;
        }

        private float[] ToFloat<T>(T[] source, Func<T, double> toDouble)
        {
            var values = new float[source.Length];
            for (int i = 0; i < source.Length; i++)
            {
                double v = toDouble(source[i]);
                float f = (float)v;
                if (float.IsInfinity(f) && double.IsFinite(v)) throw Bad($"dataset '{name}' holds {v.ToString("R", CultureInfo.InvariantCulture)} at index {i}, outside the float32 range");
                values[i] = f;
            }
            return values;
        }

        private sbyte[] ToSpins<T>(T[] source) where T : INumber<T>
        {
            var spins = new sbyte[source.Length];
            for (int i = 0; i < source.Length; i++)
            {
                if (source[i] == T.One) spins[i] = 1;
                else if (T.IsNegative(source[i]) && source[i] == -T.One) spins[i] = -1;
                else throw Bad($"dataset '{name}' holds {source[i]} at index {i}; spins must be +1 or -1");
            }
            return spins;
        }

        private void CheckLength(int length)
        {
            long expected = (long)count * size * size * components;
            if (length != expected) throw Bad($"dataset '{name}' holds {length} values, not n·L²{(components == 2 ? "·2" : "")} = {expected}");
        }

        private InvalidDataException Bad(string message) => new($"{path}: {message}");

        private static string Describe(IH5DataType type) => type.Class switch
        {
            H5DataTypeClass.FixedPoint => $"{type.Size}-byte integers",
            H5DataTypeClass.FloatingPoint => $"{type.Size}-byte floats",
            H5DataTypeClass.String or H5DataTypeClass.VariableLength => "a string",
            H5DataTypeClass.Enumerated => "an enumeration (a boolean?)",
            _ => $"HDF5 {type.Class} data",
        };
    }
}
