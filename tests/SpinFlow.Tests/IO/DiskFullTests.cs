using SpinFlow.IO;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.IO;

/// <summary>Writes onto a full disk: one clear IOException, nothing left behind, the old file untouched.</summary>
public sealed class DiskFullTests
{
    private const string OldContent = "the previous file";

    // 200 KiB of float32 data: more than the 64 KiB tmpfs holds.
    private static readonly RelaxedConfigurationMetadata Meta = new(16, 2.5, 1.7, "exact", 7);
    private static readonly float[] Data = new float[200 * 16 * 16];

    [TmpfsFact]
    public void Hdf5WriteOnAFullDiskIsOneClearError()
    {
        using var disk = new SmallTmpfs();
        string path = Path.Combine(disk.Directory, "x.h5");
        var e = Assert.Throws<IOException>(() => RelaxedConfigurationFile.Write(path, Data, 200, Meta));
        Assert.Equal($"no space left on device writing {path}", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Directory));

        // An existing file of the same name survives the failed write.
        File.WriteAllText(path, OldContent);
        Assert.Throws<IOException>(() => RelaxedConfigurationFile.Write(path, Data, 200, Meta));
        Assert.Equal([path], Directory.GetFileSystemEntries(disk.Directory));
        Assert.Equal(OldContent, File.ReadAllText(path));
    }

    [TmpfsFact]
    public void TextWriteOnAFullDiskIsOneClearError()
    {
        using var disk = new SmallTmpfs();
        string path = Path.Combine(disk.Directory, "r.json");
        string big = new('x', 200_000);
        var e = Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, big));
        Assert.Equal($"no space left on device writing {path}", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Directory));

        File.WriteAllText(path, OldContent);
        Assert.Throws<IOException>(() => AtomicFile.WriteAllText(path, big));
        Assert.Equal([path], Directory.GetFileSystemEntries(disk.Directory));
        Assert.Equal(OldContent, File.ReadAllText(path));
    }

    [TmpfsFact]
    public void RelaxedOutOnAFullDiskExitsWith2()
    {
        using var disk = new SmallTmpfs();
        string path = Path.Combine(disk.Directory, "x.h5");
        var o = CliRunner.Run("relaxed", "--size", "16", "--temperature", "2.5", "--samples", "200", "--seed", "1", "--out", path);
        Assert.Equal(2, o.ExitCode);
        Assert.Equal($"spinflow: error: no space left on device writing {path}", o.Stderr.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(disk.Directory));
    }
}
