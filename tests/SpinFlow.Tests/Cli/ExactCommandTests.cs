using System.Text.Json;
using SpinFlow.Exact;

namespace SpinFlow.Tests.Cli;

public sealed class ExactCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-exact-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void JsonOfLargeLatticeHasTheDocumentedShape()
    {
        string json = Path.Combine(_dir, "e.json");
        var o = CliRunner.Run("exact", "--size", "64", "--temperature", "2.5", "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.Equal(64, r.GetProperty("size").GetInt32());
        Assert.Equal(2.5, r.GetProperty("temperature").GetDouble());
        var k = KaufmanSolution.Compute(64, 2.5);
        Assert.Equal(k.LnZPerSite, r.GetProperty("ln_z_per_site").GetDouble(), 14);
        Assert.Equal(k.Energy, r.GetProperty("energy").GetDouble(), 14);
        Assert.Equal(k.SpecificHeat, r.GetProperty("specific_heat").GetDouble(), 14);
        Assert.False(r.TryGetProperty("m2", out _));
    }

    [Fact]
    public void SmallLatticeAddsEnumeratedMagnetisation()
    {
        string json = Path.Combine(_dir, "s.json");
        var o = CliRunner.Run("exact", "--size", "4", "--temperature", "tc", "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var e = IsingEnumeration.Compute(4, 2.269185314213022);
        Assert.Equal(e.M2, doc.RootElement.GetProperty("m2").GetDouble(), 14);
        Assert.Contains("⟨m²⟩", o.Stdout);
    }

    [Theory]
    [InlineData("exact", "--size", "1")]
    [InlineData("exact", "--temperature", "0")]
    [InlineData("exact", "--temperature", "1:2")]
    [InlineData("exact", "--model", "clock:1")]
    [InlineData("exact", "--model", "ising:2")]
    [InlineData("exact", "--model", "xy")]
    [InlineData("exact", "--model", "xy", "--temperature", "0.9")]
    [InlineData("exact", "--model", "clock:3", "--size", "5")]
    public void BadInputGivesExitCode2(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("spinflow: error:", o.Stderr);
    }

    [Fact]
    public void ClockFourIsTwoIsingModelsAtTwiceTheTemperature()
    {
        string json = Path.Combine(_dir, "c4.json");
        var o = CliRunner.Run("exact", "--model", "clock:4", "--size", "16", "--temperature", "1.2", "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        var k = KaufmanSolution.Compute(16, 2.4);
        Assert.Equal("clock:4", r.GetProperty("model").GetString());
        Assert.Equal(2 * k.LnZPerSite, r.GetProperty("ln_z_per_site").GetDouble(), 13);
        Assert.Equal(k.Energy, r.GetProperty("energy").GetDouble(), 13);
        Assert.Equal(2 * k.SpecificHeat, r.GetProperty("specific_heat").GetDouble(), 13);
    }

    [Fact]
    public void SmallClockLatticeIsEnumerated()
    {
        string json = Path.Combine(_dir, "c6.json");
        var o = CliRunner.Run("exact", "--model", "clock:6", "--size", "3", "--temperature", "0.9", "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var e = ClockEnumeration.Compute(new SpinFlow.Lattice.ClockModel(6), 3, 0.9)[0];
        Assert.Equal(e.Helicity, doc.RootElement.GetProperty("helicity").GetDouble(), 14);
        Assert.Equal(e.VortexDensity, doc.RootElement.GetProperty("vortex_density").GetDouble(), 14);
    }
}
