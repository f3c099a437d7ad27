using PureHDF;
using SpinFlow.IO;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.IO;

public sealed class RelaxedModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-relaxed-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteFile(string name, string model, int l = 4, int n = 3)
    {
        int components = model == "ising" ? 1 : 2;
        var x = new float[n * l * l * components];
        new Xoshiro256(5).FillGaussian(x);
        string path = Path.Combine(_dir, name);
        RelaxedConfigurationFile.Write(path, x, n, new RelaxedConfigurationMetadata(l, 1.0, 4.1, "exact", 7, 1, model));
        return path;
    }

    [Theory]
    [InlineData("xy")]
    [InlineData("clock:6")]
    public void TwoComponentFilesRoundTripWithShapeAndModel(string model)
    {
        int l = 4, n = 3;
        string path = WriteFile("x.h5", model, l, n);
        using (var file = H5File.OpenRead(path))
        {
            var ds = file.Dataset("x");
            Assert.Equal(new ulong[] { (ulong)n, (ulong)l, (ulong)l, 2 }, ds.Space.Dimensions);
            Assert.Equal(model, ds.Attribute("model").Read<string>());
        }
        var (x, count, meta) = RelaxedConfigurationFile.Read(path, model);
        Assert.Equal(n, count);
        Assert.Equal(n * l * l * 2, x.Length);
        Assert.Equal(model, meta.Model);
        var expected = new float[x.Length];
        new Xoshiro256(5).FillGaussian(expected);
        Assert.Equal(expected, x);
    }

    [Fact]
    public void IsingFilesKeepTheirShapeAndCarryNoModelAttribute()
    {
        string path = WriteFile("i.h5", "ising");
        using (var file = H5File.OpenRead(path))
        {
            var ds = file.Dataset("x");
            Assert.Equal(3, ds.Space.Dimensions.Length);
            Assert.False(ds.AttributeExists("model"));
        }
        Assert.Equal("ising", RelaxedConfigurationFile.Read(path).Metadata.Model);
    }

    [Theory]
    [InlineData("clock:4", "ising")]
    [InlineData("xy", "clock:4")]
    [InlineData("ising", "xy")]
    public void AFileOfAnotherModelIsRefusedInOneLine(string written, string wanted)
    {
        string path = WriteFile("m.h5", written);
        var e = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(path, wanted));
        Assert.Contains(path, e.Message);
        Assert.Contains(written, e.Message);
        Assert.Contains(wanted, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        if (wanted == "ising") Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(path));
    }

    [Fact]
    public void APairShapeWithoutModelAttributeIsRefused()
    {
        // [n, L, L, 2] with no model attribute claims to be Ising: inconsistent.
        string path = Path.Combine(_dir, "bad.h5");
        var ds = new H5Dataset(new float[2 * 4 * 4 * 2], fileDims: [2, 4, 4, 2]);
        foreach (var (k, v) in new Dictionary<string, object> { ["size"] = 4, ["temperature"] = 1.0, ["shift"] = 4.1, ["sampler"] = "exact", ["seed"] = 1UL })
            ds.Attributes[k] = v;
        new H5File { ["x"] = ds }.Write(path);
        var e = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("[n, L, L]", e.Message);
    }
}
