using System.Diagnostics;
using SpinFlow.IO;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.IO;

public sealed class RelaxedConfigurationFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-relaxed-io-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsValuesAndMetadata()
    {
        int l = 8, n = 7;
        var x = new float[n * l * l];
        var rng = new Xoshiro256(3);
        rng.FillGaussian(x);
        var meta = new RelaxedConfigurationMetadata(l, 2.269185314213022, 0.1 + 4 / 2.269185314213022, "exact", 42, 3);
        string path = Path.Combine(_dir, "x.h5");
        RelaxedConfigurationFile.Write(path, x, n, meta);
        var (read, count, readMeta) = RelaxedConfigurationFile.Read(path);
        Assert.Equal(n, count);
        Assert.Equal(x, read);
        Assert.Equal(meta, readMeta);
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void WrongFilesAreClearErrors()
    {
        string bad = Path.Combine(_dir, "bad.h5");
        File.WriteAllText(bad, "not HDF5");
        var e = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(bad));
        Assert.Contains("bad.h5", e.Message);
        Assert.Throws<FileNotFoundException>(() => RelaxedConfigurationFile.Read(Path.Combine(_dir, "missing.h5")));
        // A spin-configuration file is not a relaxed one.
        string spins = Path.Combine(_dir, "spins.h5");
        SpinConfigurationFile.Write(spins, new sbyte[16], 1, new SpinConfigurationMetadata(4, 2.0, "sw", 1, 1));
        var e2 = Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(spins));
        Assert.Contains("'x'", e2.Message);
    }

    [Fact]
    public void H5dumpReadsTheFile()
    {
        // Interoperability: the flow-training input must be readable by standard HDF5 tools (CI installs h5dump).
        if (!File.Exists("/usr/bin/h5dump")) return;
        int l = 4, n = 2;
        var x = new float[n * l * l];
        for (int i = 0; i < x.Length; i++) x[i] = i * 0.5f - 3;
        string path = Path.Combine(_dir, "dump.h5");
        RelaxedConfigurationFile.Write(path, x, n, new RelaxedConfigurationMetadata(l, 2.5, 1.7, "exact", 7, 2));
        var psi = new ProcessStartInfo("/usr/bin/h5dump", ["-d", "x", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("H5T_IEEE_F32LE", output);
        Assert.Contains("( 2, 4, 4 )", output);
        Assert.Contains("shift", output);
        Assert.Contains("sampler", output);
        Assert.Contains("(0,0,0): -3, -2.5, -2, -1.5", output);
    }
}
