using System.Text.Json;

namespace SpinFlow.Tests.Cli;

public sealed class FlowCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-flow-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("nnrg", "32", 63_200)]
    [InlineData("superres", "32", 38_400)]
    [InlineData("superres", "128", 38_400)]
    public void FlowInfoReportsThePaperParameterCounts(string arch, string size, int parameters)
    {
        string json = Path.Combine(_dir, "info.json");
        var o = CliRunner.Run("flow-info", "--architecture", arch, "--size", size, "--json", json);
        Assert.Equal(0, o.ExitCode);
        Assert.Contains($"parameters: {parameters}", o.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.Equal(arch, r.GetProperty("architecture").GetString());
        Assert.Equal(int.Parse(size), r.GetProperty("size").GetInt32());
        Assert.Equal(parameters, r.GetProperty("parameters").GetInt32());
        Assert.True(r.GetProperty("layers").GetArrayLength() > 0);
    }

    [Fact]
    public void FlowInfoAcceptsShapeOverrides()
    {
        var o = CliRunner.Run("flow-info", "-a", "superres", "-L", "16", "--couplings", "4", "--hidden", "8", "--fine-layers", "2", "--coarse-layers", "1", "--equivariant");
        Assert.Equal(0, o.ExitCode);
        // 6 bijectors × 4 couplings × (2·(5·8 + 4·8 + 4) + 4)
        Assert.Contains($"parameters: {6 * 4 * (2 * (40 + 32 + 4) + 4)}", o.Stdout);
    }

    [Theory]
    [InlineData("flow-info", "-a", "nnrg", "-L", "24")]
    [InlineData("flow-info", "-a", "superres", "-L", "6")]
    [InlineData("flow-info", "-a", "nnrg", "-L", "16", "--fine-layers", "2")]
    [InlineData("flow-info", "-a", "bogus", "-L", "16")]
    [InlineData("flow-info", "-a", "nnrg", "-L", "16", "--couplings", "0")]
    [InlineData("bench", "flow", "-a", "nnrg", "-L", "8", "--batch", "0")]
    [InlineData("bench", "flow", "-a", "nnrg", "-L", "8", "--mode", "fast")]
    public void BadInputIsExitCodeTwoWithOneLine(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("spinflow: error:", o.Stderr);
        Assert.Single(o.Stderr.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("generate")]
    public void BenchFlowWritesTimings(string mode)
    {
        string json = Path.Combine(_dir, "bench.json");
        var o = CliRunner.Run("bench", "flow", "-a", "superres", "-L", "8", "--batch", "4", "--steps", "2", "--warmup", "1", "--threads", "1", "--mode", mode, "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.True(r.GetProperty("ms_per_step").GetDouble() > 0);
        Assert.True(r.GetProperty("gflops").GetDouble() > 0);
        Assert.Equal(38_400, r.GetProperty("parameters").GetInt32());
        Assert.Equal(mode, r.GetProperty("mode").GetString());
        Assert.Contains("ms per step", o.Stdout);
    }

    [Theory]
    [InlineData("superres", "32", "xy", 72_960, 38_400)]
    [InlineData("nnrg", "32", "clock:6", 80_400, 63_200)]
    [InlineData("superres", "32", "ising", 38_400, 21_120)]
    public void FlowInfoCountsParametersForTheModelsChannels(string arch, string size, string model, int parameters, int active)
    {
        // superres C = 2: 32 bijectors × 10 × (2·(48 + 6 + 48 + 8) + 8); active 2·(24 + 6 + 24 + 4) + 4 per coupling.
        // nnrg C = 2 at 32×32: 10 bijectors × 10 × (2·(80 + 10 + 220 + 80 + 8) + 8); active 2·(40 + 10 + 220 + 40 + 4) + 4.
        string json = Path.Combine(_dir, "info.json");
        var o = CliRunner.Run("flow-info", "-a", arch, "-L", size, "--model", model, "--json", json);
        Assert.Equal(0, o.ExitCode);
        Assert.Contains($"parameters: {parameters}", o.Stdout);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.Equal(parameters, r.GetProperty("parameters").GetInt32());
        Assert.Equal(active, r.GetProperty("active_parameters").GetInt32());
        Assert.Equal(model == "ising" ? 1 : 2, r.GetProperty("channels").GetInt32());
    }

    [Fact]
    public void BenchFlowTrainsOnTheModelsChannels()
    {
        string json = Path.Combine(_dir, "bench-xy.json");
        var o = CliRunner.Run("bench", "flow", "-a", "superres", "-L", "8", "--model", "xy", "--batch", "4", "--steps", "2", "--warmup", "1", "--threads", "1", "--json", json);
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var r = doc.RootElement;
        Assert.Equal(2, r.GetProperty("channels").GetInt32());
        Assert.Equal(72_960, r.GetProperty("parameters").GetInt32());
        Assert.StartsWith("relaxed xy", r.GetProperty("energy").GetString());
        var bad = CliRunner.Run("flow-info", "-a", "superres", "-L", "8", "--model", "potts:3");
        Assert.Equal(2, bad.ExitCode);
        Assert.Single(bad.Stderr.TrimEnd().Split('\n'));
    }
}
