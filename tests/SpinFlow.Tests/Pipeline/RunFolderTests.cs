using System.Text.Json.Nodes;
using SpinFlow.Pipeline;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Pipeline;

public sealed class RunFolderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-runfolder-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Settings() => new() { ["preset"] = "test", ["seed"] = 1 };

    [Fact]
    public void AFolderInUseIsRefusedUntilItsRunEnds()
    {
        string root = Path.Combine(_dir, "run");
        using (RunFolder.Open(root, Settings(), resume: false))
        {
            var resumed = Assert.Throws<IOException>(() => RunFolder.Open(root, Settings(), resume: true));
            Assert.Contains("in use by another spinflow pipeline", resumed.Message);
            // Through the CLI: one line, exit code 2, nothing touched.
            var cli = CliRunner.Run("pipeline", "--out", root, "--resume");
            Assert.Equal(2, cli.ExitCode);
            string error = Assert.Single(cli.Stderr.Trim().Split('\n'), l => l.StartsWith("spinflow:"));
            Assert.Contains("in use", error);
        }
        using var again = RunFolder.Open(root, Settings(), resume: true);
        Assert.True(File.Exists(again.SettingsPath));
    }

    [Fact]
    public void TwoNewRunsIntoOneFolderCannotBothStart()
    {
        string root = Path.Combine(_dir, "race");
        using var first = RunFolder.Open(root, Settings(), resume: false);
        // A second new run into the same folder: refused whether it sees the first one's settings or only its lock.
        Assert.Throws<IOException>(() => RunFolder.Open(root, Settings(), resume: false));
    }
}
