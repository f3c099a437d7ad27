using System.Text.Json;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Cli;

public sealed class RescaleCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-rescale-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("rescale", "--size", "15")]
    [InlineData("rescale", "--size", "2")]
    [InlineData("rescale", "--size", "3")]
    [InlineData("rescale", "--temperature", "0")]
    [InlineData("rescale", "--temperature", "-2")]
    [InlineData("rescale", "--temperature", "2.0:2.6")]
    [InlineData("rescale", "--temperature", "2.0:x:3")]
    [InlineData("rescale", "--temperature", "2.5,2.0")]
    [InlineData("rescale", "--samples", "0")]
    [InlineData("rescale", "--thermalize", "-1")]
    public void BadInputGivesExitCode2AndOneLine(params string[] args)
    {
        var o = CliRunner.Run(args);
        Assert.Equal(2, o.ExitCode);
        string message = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void UnwritableOutputsFailBeforeRunning()
    {
        var o = CliRunner.Run("rescale", "--size", "8", "--samples", "100", "--plot", Path.Combine(_dir, "no", "f.png"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("cannot write", o.Stderr);
        Assert.Empty(o.Stdout);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    [Fact]
    public void JsonHasTheDocumentedShapeAndPlotIsAPng()
    {
        string json = Path.Combine(_dir, "r.json");
        string png = Path.Combine(_dir, "fig2.png");
        var o = CliRunner.Run("rescale", "--size", "8", "--temperature", "2.0:2.6:4", "--samples", "2000", "--seed", "5",
            "--json", json, "--plot", png);
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("T_ξ", o.Stdout);

        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var root = doc.RootElement;
        Assert.Equal(8, root.GetProperty("size").GetInt32());
        Assert.Equal(4, root.GetProperty("block_size").GetInt32());
        Assert.Equal(2000, root.GetProperty("samples").GetInt32());
        Assert.Equal(5UL, root.GetProperty("seed").GetUInt64());
        var points = root.GetProperty("points");
        Assert.Equal(4, points.GetArrayLength());
        Assert.Equal(2.2, points[1].GetProperty("temperature").GetDouble(), 12);
        foreach (var p in points.EnumerateArray())
        {
            var e = p.GetProperty("e_block");
            Assert.InRange(e.GetProperty("mean").GetDouble(), -2, 0);
            Assert.True(e.GetProperty("error").GetDouble() > 0);
            Assert.True(e.GetProperty("tau").GetDouble() > 0);
            Assert.InRange(p.GetProperty("e_exact_L").GetDouble(), -2, 0);
            Assert.InRange(p.GetProperty("e_exact_half").GetDouble(), -2, 0);
            Assert.True(p.GetProperty("t_xi").GetDouble() > 0);
            Assert.True(p.GetProperty("t_xi_error").GetDouble() > 0);
        }

        byte[] bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"{bytes.Length} bytes");
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // Nothing but the two outputs is left behind (no temporary files from the atomic writes).
        Assert.Equal(2, Directory.GetFileSystemEntries(_dir).Length);
    }
}
