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
}
