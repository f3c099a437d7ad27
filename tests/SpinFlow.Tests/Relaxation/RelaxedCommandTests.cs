using System.Text.Json;
using SpinFlow.IO;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Relaxation;

public sealed class RelaxedCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-relaxed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("relaxed", "--size", "6")]
    [InlineData("relaxed", "--size", "1")]
    [InlineData("relaxed", "--temperature", "0")]
    [InlineData("relaxed", "--temperature", "2.0,2.5")]
    [InlineData("relaxed", "--sampler", "metropolis")]
    [InlineData("relaxed", "--samples", "0")]
    [InlineData("relaxed", "--chains", "0")]
    [InlineData("relaxed", "--samples", "10", "--chains", "8")]
    [InlineData("relaxed", "--shift", "0.5", "--temperature", "2")]
    [InlineData("relaxed", "--sampler", "naive-hmc", "--hmc-steps", "0")]
    [InlineData("relaxed", "--sampler", "naive-hmc", "--hmc-step-size", "-0.1")]
    [InlineData("relaxed", "--sampler", "naive-hmc", "--hmc-target-acceptance", "1.5")]
    [InlineData("relaxed", "--sampler", "exact", "--hmc-steps", "5")]
    [InlineData("relaxed", "--measure-every", "0")]
    public void BadInputGivesExitCode2AndOneLine(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        string message = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void OddSizeIsRejectedWithTheReason()
    {
        var o = CliRunner.Run("relaxed", "--size", "12");
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("power of two", o.Stderr);
    }

    [Fact]
    public void UnwritableOutputsFailBeforeRunning()
    {
        var o = CliRunner.Run("relaxed", "--size", "4", "--samples", "64", "--out", Path.Combine(_dir, "no", "x.h5"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("cannot write", o.Stderr);
        var o2 = CliRunner.Run("relaxed", "--size", "4", "--samples", "64", "--json", _dir);
        Assert.Equal(2, o2.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void NaiveHmcWritesConfigurationsAndJson()
    {
        string h5 = Path.Combine(_dir, "x.h5"), json = Path.Combine(_dir, "r.json");
        var o = CliRunner.Run("relaxed", "--size", "8", "--temperature", "2.5", "--sampler", "naive-hmc", "--samples", "1000",
            "--chains", "6", "--hmc-steps", "8", "--seed", "4", "--out", h5, "--json", json);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("⟨m²⟩", o.Stdout);
        Assert.Contains("acceptance", o.Stdout);
        var (x, count, meta) = RelaxedConfigurationFile.Read(h5);
        Assert.Equal(1000, count);
        Assert.Equal(1000 * 64, x.Length);
        Assert.Equal(new RelaxedConfigurationMetadata(8, 2.5, 0.1 + 4 / 2.5, "naive-hmc", 4, 6), meta);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(8, root.GetProperty("size").GetInt32());
        Assert.Equal("naive-hmc", root.GetProperty("sampler").GetString());
        Assert.Equal(1000, root.GetProperty("samples").GetInt32());
        Assert.Equal(0.1 + 4 / 2.5, root.GetProperty("shift").GetDouble(), 12);
        Assert.InRange(root.GetProperty("acceptance").GetDouble(), 0.3, 1.0);
        Assert.True(root.GetProperty("step_size").GetDouble() > 0);
        Assert.Equal(8, root.GetProperty("hmc_steps").GetInt32());
        Assert.True(root.TryGetProperty("ln_z_x_per_site", out _));
        var obs = root.GetProperty("observables");
        foreach (var name in new[] { "energy", "m2", "abs_m", "specific_heat", "susceptibility", "binder" })
        {
            var e = obs.GetProperty(name);
            Assert.True(e.GetProperty("error").GetDouble() > 0);
            Assert.True(e.GetProperty("tau").GetDouble() > 0);
        }
    }

    [Fact]
    public void ExactSamplerIsTheDefaultAndWritesItsFile()
    {
        string h5 = Path.Combine(_dir, "e.h5"), json = Path.Combine(_dir, "e.json");
        var o = CliRunner.Run("relaxed", "-L", "8", "-T", "tc", "--samples", "500", "--chains", "4", "--seed", "2", "--out", h5, "--json", json);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.DoesNotContain("HMC", o.Stdout);
        var (x, count, meta) = RelaxedConfigurationFile.Read(h5);
        Assert.Equal(500, count);
        Assert.Equal("exact", meta.Sampler);
        Assert.Equal(4, meta.Chains);
        Assert.Equal(500 * 64, x.Length);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("exact", doc.RootElement.GetProperty("sampler").GetString());
        Assert.False(doc.RootElement.TryGetProperty("acceptance", out _));
    }

    [Fact]
    public void SameSeedSameConfigurations()
    {
        string a = Path.Combine(_dir, "a.h5"), b = Path.Combine(_dir, "b.h5");
        string[] Args(string path, string threads) =>
            ["relaxed", "-L", "4", "--sampler", "naive-hmc", "--samples", "40", "--chains", "4", "--thermalize", "10", "--seed", "9", "--threads", threads, "--out", path];
        Assert.Equal(0, CliRunner.Run(Args(a, "1")).ExitCode);
        Assert.Equal(0, CliRunner.Run(Args(b, "2")).ExitCode);
        Assert.Equal(RelaxedConfigurationFile.Read(a).X, RelaxedConfigurationFile.Read(b).X);
    }
}
