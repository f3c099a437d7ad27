using PureHDF;
using SpinFlow.IO;

namespace SpinFlow.Tests.IO;

/// <summary>
/// Files in the documented layouts that another writer made (h5py with ordinary NumPy types, big-endian types,
/// other integer and float widths) are read; values that do not fit are refused naming the field.
/// </summary>
public sealed class ExternalHdf5FileTests : IDisposable
{
    private const int N = 3, L = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "IO", "fixtures", name);

    // The values make_fixtures.py stores: x_i = 0.25 i − 5 and s_i = −1 where i is a multiple of 3, +1 elsewhere.
    private static float[] ExpectedX() => Enumerable.Range(0, N * L * L).Select(i => i * 0.25f - 5).ToArray();

    private static sbyte[] ExpectedSpins() => Enumerable.Range(0, N * L * L).Select(i => (sbyte)(i % 3 == 0 ? -1 : 1)).ToArray();

    [Fact]
    public void RelaxedFileWrittenByH5pyWithNumpyTypes()
    {
        // int64 size and chains, float64 temperature and data, float32 shift, int32 seed, variable-length UTF-8 sampler.
        var (x, count, meta) = RelaxedConfigurationFile.Read(Fixture("relaxed_h5py.h5"));
        Assert.Equal(N, count);
        Assert.Equal(ExpectedX(), x);
        Assert.Equal(new RelaxedConfigurationMetadata(L, 2.5, 1.75, "exact", 42, 2), meta);
    }

    [Fact]
    public void RelaxedFileInBigEndianTypesWithCompressedData()
    {
        // Big-endian int64/float16/float64/uint64/int16 attributes, fixed-length ASCII sampler, gzip-chunked big-endian float32 data.
        var (x, count, meta) = RelaxedConfigurationFile.Read(Fixture("relaxed_big_endian.h5"));
        Assert.Equal(N, count);
        Assert.Equal(ExpectedX(), x);
        Assert.Equal(new RelaxedConfigurationMetadata(L, 2.5, 1.75, "naive-hmc", ulong.MaxValue, 3), meta);
    }

    [Theory]
    [InlineData("spins_int64.h5", "wolff")]
    [InlineData("spins_big_endian.h5", "sw")]
    public void SpinFileWithWideOrBigEndianIntegers(string fixture, string algorithm)
    {
        var (spins, count, meta) = SpinConfigurationFile.Read(Fixture(fixture));
        Assert.Equal(N, count);
        Assert.Equal(ExpectedSpins(), spins);
        Assert.Equal(new SpinConfigurationMetadata(L, 2.25, algorithm, 7, 10), meta);
    }

    public static TheoryData<object, object, object, object> AttributeTypes() => new()
    {
        // size, temperature, seed, chains
        { 4L, 2.5f, 42, 2L },
        { (short)4, 2.5, 42L, (byte)2 },
        { (byte)4, 2.5f, 42u, (short)2 },
        { 4u, 2, (ushort)42, 2u },
        { 4.0, 2L, 42.0, 2.0f },
        { 4ul, (short)2, (sbyte)42, (ushort)2 },
    };

    [Theory]
    [MemberData(nameof(AttributeTypes))]
    public void AnyIntegerOrFloatWidthIsAcceptedWhereTheValueFits(object size, object temperature, object seed, object chains)
    {
        string path = WriteRelaxed(Values(i => i * 0.25 - 5), new()
        {
            ["size"] = size, ["temperature"] = temperature, ["shift"] = 1.75f, ["sampler"] = "exact", ["seed"] = seed, ["chains"] = chains,
        });
        var (x, count, meta) = RelaxedConfigurationFile.Read(path);
        Assert.Equal(N, count);
        Assert.Equal(ExpectedX(), x);
        Assert.Equal(new RelaxedConfigurationMetadata(L, Convert.ToDouble(temperature), 1.75, "exact", 42, 2), meta);
    }

    public static TheoryData<string, object, string> BadAttributes() => new()
    {
        { "size", 4.5, "attribute 'size' must be an integer, got 4.5" },
        { "size", 1L << 40, "attribute 'size' is out of range: 1099511627776" },
        { "seed", -1L, "attribute 'seed' is out of range: -1" },
        { "seed", 0.5f, "attribute 'seed' must be an integer, got 0.5" },
        { "chains", 0, "attribute 'chains' is out of range: 0" },
        { "temperature", "hot", "attribute 'temperature' must be a number, got a string" },
        { "temperature", (1L << 53) + 1, "attribute 'temperature' = 9007199254740993 has no exact float64 value" },
        { "sampler", 5, "attribute 'sampler' must be a string, got 4-byte integers" },
        { "size", new[] { 4, 4 }, "attribute 'size' must be a single value" },
    };

    [Theory]
    [MemberData(nameof(BadAttributes))]
    public void AttributeThatDoesNotFitIsRefusedNamingIt(string name, object value, string expected)
    {
        var attributes = new Dictionary<string, object>
        {
            ["size"] = L, ["temperature"] = 2.5, ["shift"] = 1.75, ["sampler"] = "exact", ["seed"] = 42L, ["chains"] = 2,
        };
        attributes[name] = value;
        string path = WriteRelaxed(Values(i => i), attributes);
        var e = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(path));
        Assert.StartsWith($"{path}: {expected}", e.Message);
    }

    [Fact]
    public void DataThatDoesNotFitIsRefusedNamingTheDataset()
    {
        var attributes = new Dictionary<string, object>
        {
            ["size"] = L, ["temperature"] = 2.5, ["shift"] = 1.75, ["sampler"] = "exact", ["seed"] = 42L,
        };
        var tooLarge = Values(i => i == 5 ? 1e300 : 0);
        string path = WriteRelaxed(tooLarge, attributes);
        var e = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(path));
        Assert.Equal($"{path}: dataset 'x' holds 1E+300 at index 5, outside the float32 range", e.Message);

        string ints = WriteRelaxed(new int[N * L * L], attributes);
        var e2 = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(ints));
        Assert.Equal($"{ints}: dataset 'x' must hold floating-point values, got 4-byte integers", e2.Message);
    }

    [Fact]
    public void SpinsOtherThanPlusOrMinusOneAreRefused()
    {
        var spins = ExpectedSpins().Select(s => (long)s).ToArray();
        spins[7] = 0;
        var attributes = new Dictionary<string, object>
        {
            ["size"] = L, ["temperature"] = 2.25, ["algorithm"] = "sw", ["seed"] = 7L, ["sweeps_between_saves"] = 10,
        };
        string path = Path.Combine(_dir, "spins.h5");
        Write(path, SpinConfigurationFile.Dataset, spins, attributes);
        var e = Assert.Throws<InvalidDataException>(() => SpinConfigurationFile.Read(path));
        Assert.Equal($"{path}: dataset 'configs' holds 0 at index 7; spins must be +1 or -1", e.Message);

        string floats = Path.Combine(_dir, "float-spins.h5");
        Write(floats, SpinConfigurationFile.Dataset, ExpectedSpins().Select(s => (double)s).ToArray(), attributes);
        var e2 = Assert.Throws<InvalidDataException>(() => SpinConfigurationFile.Read(floats));
        Assert.Equal($"{floats}: dataset 'configs' must hold integer spins, got 8-byte floats", e2.Message);
    }

    private static double[] Values(Func<int, double> value) => Enumerable.Range(0, N * L * L).Select(value).ToArray();

    private string WriteRelaxed<T>(T[] data, Dictionary<string, object> attributes)
    {
        string path = Path.Combine(_dir, $"x{Guid.NewGuid():N}.h5");
        Write(path, RelaxedConfigurationFile.Dataset, data, attributes);
        return path;
    }

    private static void Write<T>(string path, string name, T[] data, Dictionary<string, object> attributes)
    {
        var dataset = new H5Dataset(data, fileDims: [N, L, L]);
        foreach (var (key, value) in attributes) dataset.Attributes[key] = value;
        new H5File { [name] = dataset }.Write(path);
    }
}
