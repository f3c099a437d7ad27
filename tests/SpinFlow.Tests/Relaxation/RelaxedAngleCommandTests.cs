using System.Text.Json;
using SpinFlow.IO;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Relaxation;

public sealed class RelaxedAngleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-relaxed-angle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ClockFourWritesPairsWithTheModelAttributeAndExactLnZx()
    {
        string h5 = Path.Combine(_dir, "c4.h5"), json = Path.Combine(_dir, "c4.json");
        var o = CliRunner.Run("relaxed", "--model", "clock:4", "-L", "4", "-T", "1.0", "--samples", "400", "--chains", "4", "--seed", "3",
            "--out", h5, "--json", json);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("clock:4", o.Stdout);
        var (x, count, meta) = RelaxedConfigurationFile.Read(h5, "clock:4");
        Assert.Equal(400, count);
        Assert.Equal(400 * 16 * 2, x.Length);
        Assert.Equal(new RelaxedConfigurationMetadata(4, 1.0, 0.1 + 4 / 1.0, "exact", 3, 4, "clock:4"), meta);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("clock:4", doc.RootElement.GetProperty("model").GetString());
        Assert.True(doc.RootElement.TryGetProperty("ln_z_x_per_site", out _));
    }

    [Fact]
    public void XyNaiveHmcRuns()
    {
        string h5 = Path.Combine(_dir, "xy.h5");
        var o = CliRunner.Run("relaxed", "--model", "xy", "-L", "4", "-T", "0.9", "--sampler", "naive-hmc", "--samples", "80", "--chains", "4",
            "--thermalize", "50", "--out", h5);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("acceptance", o.Stdout);
        Assert.Equal("xy", RelaxedConfigurationFile.Read(h5, "xy").Metadata.Model);
    }

    [Fact]
    public void AClockFileGivenToTheIsingTrainerIsOneLineAndExitTwo()
    {
        string h5 = Path.Combine(_dir, "c4.h5");
        Assert.Equal(0, CliRunner.Run("relaxed", "--model", "clock:4", "-L", "4", "-T", "1.0", "--samples", "40", "--chains", "4", "--out", h5).ExitCode);
        var o = CliRunner.Run("train", "--input", h5, "--steps", "1", "--out", Path.Combine(_dir, "f.ckpt"));
        Assert.Equal(2, o.ExitCode);
        string message = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", message);
        Assert.DoesNotContain('\n', message);
        Assert.Contains(h5, message);
        Assert.Contains("clock:4", message);
        Assert.Contains("ising", message);
    }

    [Theory]
    [InlineData("relaxed", "--model", "potts")]
    [InlineData("relaxed", "--model", "clock:1")]
    [InlineData("relaxed", "--model", "xy", "--size", "6")]
    [InlineData("relaxed", "--model", "xy", "--shift", "0.5", "--temperature", "2")]
    public void BadInputGivesExitCode2AndOneLine(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        string message = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", message);
        Assert.DoesNotContain('\n', message);
    }
}
