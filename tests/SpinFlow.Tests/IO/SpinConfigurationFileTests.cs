using System.Diagnostics;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.IO;

public sealed class SpinConfigurationFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-io-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void RoundTripKeepsSpinsAndMetadata()
    {
        int l = 6, n = 5;
        var spins = new sbyte[n * l * l];
        SpinConfiguration.Randomize(spins, new Xoshiro256(8));
        var meta = new SpinConfigurationMetadata(l, 2.269185314213022, "sw", 12345678901234567890UL, 3);
        string path = Path.Combine(_dir, "c.h5");
        SpinConfigurationFile.Write(path, spins, n, meta);
        var (read, count, readMeta) = SpinConfigurationFile.Read(path);
        Assert.Equal(n, count);
        Assert.Equal(spins, read);
        Assert.Equal(meta, readMeta);
        Assert.Single(Directory.GetFiles(_dir)); // no temp file left behind
    }

    [Fact]
    public void CorruptFileIsAClearError()
    {
        string path = Path.Combine(_dir, "bad.h5");
        File.WriteAllText(path, "this is not HDF5");
        var e = Assert.Throws<InvalidDataException>(() => SpinConfigurationFile.Read(path));
        Assert.Contains("bad.h5", e.Message);
        Assert.Throws<FileNotFoundException>(() => SpinConfigurationFile.Read(Path.Combine(_dir, "missing.h5")));
    }

    [Fact]
    public void H5DumpReadsTheFileWhenInstalled()
    {
        // Interoperability with the HDF5 reference tools (.ci/run installs hdf5-tools; elsewhere this check is skipped).
        if (!File.Exists("/usr/bin/h5dump")) return;
        int l = 4, n = 2;
        var spins = new sbyte[n * l * l];
        SpinConfiguration.Randomize(spins, new Xoshiro256(2));
        string path = Path.Combine(_dir, "dump.h5");
        SpinConfigurationFile.Write(path, spins, n, new SpinConfigurationMetadata(l, 2.5, "wolff", 7, 1));
        var psi = new ProcessStartInfo("/usr/bin/h5dump", ["-d", "configs", path]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("H5T_STD_I8LE", output);
        Assert.Contains("( 2, 4, 4 )", output);
        Assert.Contains("temperature", output);
        // First row of the first configuration, as h5dump prints it: "(0,0,0): a, b, c, d,".
        string firstRow = $"(0,0,0): {spins[0]}, {spins[1]}, {spins[2]}, {spins[3]}";
        Assert.Contains(firstRow, output);
    }
}
