using System.Text.Json;
using SpinFlow.IO;

namespace SpinFlow.Tests.Cli;

public sealed class McmcCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("mcmc", "--size", "1")]
    [InlineData("mcmc", "--temperature", "0")]
    [InlineData("mcmc", "--temperature", "-2")]
    [InlineData("mcmc", "--temperature", "NaN")]
    [InlineData("mcmc", "--temperature", "2.0:2.6")]
    [InlineData("mcmc", "--temperature", "2.0:x:3")]
    [InlineData("mcmc", "--algorithm", "heatbath")]
    [InlineData("mcmc", "--sweeps", "0")]
    [InlineData("mcmc", "--size", "abc")]
    [InlineData("mcmc", "--model", "clock:1")]
    [InlineData("mcmc", "--model", "clock:257")]
    [InlineData("mcmc", "--model", "clock:x")]
    [InlineData("mcmc", "--model", "potts")]
    [InlineData("mcmc", "--model", "xy", "--algorithm", "sw", "--temperature", "0.9")]
    [InlineData("mcmc", "--model", "xy")]
    [InlineData("mcmc", "--no-such-option")]
    [InlineData("no-such-command")]
    public void BadInputGivesExitCode2AndOneLine(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        string message = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void UnwritableOutputsFailBeforeRunningAndLeaveNothing()
    {
        string missingDir = Path.Combine(_dir, "no", "such", "dir", "out.json");
        var o = CliRunner.Run("mcmc", "--size", "4", "--sweeps", "100", "--json", missingDir);
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("cannot write", o.Stderr);
        var o2 = CliRunner.Run("mcmc", "--size", "4", "--sweeps", "100", "--save-configs", _dir);
        Assert.Equal(2, o2.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void JsonHasTheDocumentedShape()
    {
        string json = Path.Combine(_dir, "r.json");
        var o = CliRunner.Run("mcmc", "--size", "8", "--temperature", "2.5", "--algorithm", "wolff", "--sweeps", "2000", "--seed", "3", "--json", json);
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("⟨m²⟩", o.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(8, root.GetProperty("size").GetInt32());
        Assert.Equal(2.5, root.GetProperty("temperature").GetDouble());
        Assert.Equal("wolff", root.GetProperty("algorithm").GetString());
        Assert.Equal(2000, root.GetProperty("sweeps").GetInt32());
        Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
        Assert.True(root.GetProperty("spin_updates_per_ns").GetDouble() > 0);
        var obs = root.GetProperty("observables");
        foreach (var name in new[] { "energy", "m2", "abs_m", "specific_heat", "susceptibility", "binder" })
        {
            var e = obs.GetProperty(name);
            Assert.True(double.IsFinite(e.GetProperty("mean").GetDouble()), name);
            Assert.True(e.GetProperty("error").GetDouble() > 0, name);
            Assert.True(e.GetProperty("tau").GetDouble() > 0, name);
        }
        double m2 = obs.GetProperty("m2").GetProperty("mean").GetDouble();
        Assert.InRange(m2, 0, 1);
    }

    [Fact]
    public void TemperatureRangeTabulatesEachAndSavesConfigurations()
    {
        string json = Path.Combine(_dir, "scan.json");
        string h5 = Path.Combine(_dir, "c.h5");
        var o = CliRunner.Run("mcmc", "--size", "4", "--temperature", "2.0:3.0:3", "--sweeps", "400", "--measure-every", "4",
            "--json", json, "--save-configs", h5);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.Equal(2.5, doc.RootElement[1].GetProperty("temperature").GetDouble(), 12);
        var files = Directory.GetFiles(_dir, "c-T*.h5").OrderBy(f => f).ToArray();
        Assert.Equal(3, files.Length);
        var (spins, count, meta) = SpinConfigurationFile.Read(files[0]);
        Assert.Equal(100, count);
        Assert.Equal(100 * 16, spins.Length);
        Assert.Equal(4, meta.SweepsBetweenSaves);
        Assert.Equal(2.0, meta.Temperature, 12);
        Assert.All(spins, s => Assert.True(s == 1 || s == -1));
    }

    [Fact]
    public void SameSeedGivesIdenticalResults()
    {
        var a = CliRunner.Run("mcmc", "--size", "8", "--sweeps", "500", "--seed", "11", "--algorithm", "metropolis");
        var b = CliRunner.Run("mcmc", "--size", "8", "--sweeps", "500", "--seed", "11", "--algorithm", "metropolis");
        static string Table(string s) => string.Join('\n', s.Split('\n').Where(l => !l.StartsWith("speed")));
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(Table(a.Stdout), Table(b.Stdout));
    }

    [Fact]
    public void ModelIsingIsTodaysRunBitForBit()
    {
        string a = Path.Combine(_dir, "a.json"), b = Path.Combine(_dir, "b.json");
        var plain = CliRunner.Run("mcmc", "--size", "8", "--sweeps", "500", "--seed", "5", "--algorithm", "wolff", "--json", a);
        var ising = CliRunner.Run("mcmc", "--size", "8", "--sweeps", "500", "--seed", "5", "--algorithm", "wolff", "--json", b, "--model", "ising");
        Assert.Equal(0, ising.ExitCode);
        static string Stable(string s) => string.Join('\n', s.Split('\n').Where(l => !l.Contains("speed") && !l.Contains("wall_seconds") && !l.Contains("spin_updates_per_ns")));
        Assert.Equal(Stable(plain.Stdout), Stable(ising.Stdout));
        Assert.Equal(Stable(File.ReadAllText(a)), Stable(File.ReadAllText(b)));
        Assert.DoesNotContain("\"model\"", File.ReadAllText(b));
    }

    [Fact]
    public void XyJsonHasHelicityAndVortexDensity()
    {
        string json = Path.Combine(_dir, "xy.json");
        var o = CliRunner.Run("mcmc", "--model", "xy", "--size", "8", "--temperature", "0.9", "--sweeps", "2000", "--seed", "3", "--json", json);
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("Υ", o.Stdout);
        Assert.Contains("converged", o.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal("xy", root.GetProperty("model").GetString());
        Assert.Equal("wolff", root.GetProperty("algorithm").GetString());
        var obs = root.GetProperty("observables");
        foreach (var name in new[] { "energy", "specific_heat", "m2", "abs_m", "susceptibility", "binder", "helicity", "vortex_density" })
        {
            var e = obs.GetProperty(name);
            Assert.True(double.IsFinite(e.GetProperty("mean").GetDouble()), name);
            Assert.True(e.GetProperty("error").GetDouble() > 0, name);
            Assert.True(e.GetProperty("tau").GetDouble() > 0, name);
        }
        Assert.InRange(obs.GetProperty("helicity").GetProperty("mean").GetDouble(), 0, 1);
        Assert.True(root.TryGetProperty("converged", out _));
    }

    [Fact]
    public void ClockScanShowsTheExactValueAndEveryTemperature()
    {
        var one = CliRunner.Run("mcmc", "--model", "clock:4", "--size", "8", "--temperature", "1.5", "--algorithm", "metropolis", "--sweeps", "2000");
        Assert.Equal(0, one.ExitCode);
        Assert.Contains(SpinFlow.Exact.ClockExact.Compute(SpinFlow.Lattice.SpinModel.Clock(4), 8, 1.5).Energy.ToString("F8", System.Globalization.CultureInfo.InvariantCulture), one.Stdout);
        string json = Path.Combine(_dir, "scan.json");
        var scan = CliRunner.Run("mcmc", "--model", "clock:6", "--size", "6", "--temperature", "0.8:1.2:3", "--sweeps", "400", "--json", json);
        Assert.Equal(0, scan.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(3, doc.RootElement.GetArrayLength());
        Assert.Equal("clock:6", doc.RootElement[2].GetProperty("model").GetString());
    }

    [Fact]
    public void SaveConfigsIsRefusedForAngleModelsBeforeRunning()
    {
        string h5 = Path.Combine(_dir, "xy.h5");
        var o = CliRunner.Run("mcmc", "--model", "xy", "--size", "8", "--temperature", "0.9", "--sweeps", "100", "--save-configs", h5);
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("--save-configs", o.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }
}
