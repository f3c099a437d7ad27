using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Tests.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Cli;

/// <summary>No command may destroy a file: not an input, not another output, not an existing file without --force.</summary>
public sealed class OutputSafetyTests : IDisposable
{
    private const double T = 3.0;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-safety-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private string DataSet(int size = 2, float? fill = null)
    {
        string path = PathOf(fill is null ? $"xi{size}.h5" : $"xi{size}-filled.h5");
        var x = fill is float f ? Enumerable.Repeat(f, 32 * size * size).ToArray()
            : ExactSamplingTests.InputData(size, T, 32, 5).Select(v => (float)v).ToArray();
        RelaxedConfigurationFile.Write(path, x, 32, new RelaxedConfigurationMetadata(size, T, SpinFlow.Relaxation.RelaxedIsing.DefaultShift(T), "exact", 5));
        return path;
    }

    private string SuperResCheckpoint(int inputSize)
    {
        string path = PathOf($"flow{inputSize}.ckpt");
        Checkpoint.Capture(SuperResolutionFlow.Create(inputSize, 3, SmallSuperRes())).Save(path);
        return path;
    }

    private static string AssertBad(CliRunner.Outcome o, string mustContain)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stdout} {o.Stderr}");
        string err = o.Stderr.Trim().Split('\n')[^1];
        Assert.StartsWith("spinflow: error:", err);
        Assert.Contains(mustContain, err);
        return err;
    }

    private static void AssertOk(CliRunner.Outcome o) => Assert.True(o.ExitCode == 0, $"exit {o.ExitCode}: {o.Stderr}");

    /// <summary>Runs the command and checks that it is refused and <paramref name="keep"/> is byte for byte what it was.</summary>
    private static void RefusedKeeping(string keep, string mustContain, params string[] args)
    {
        byte[] before = File.ReadAllBytes(keep);
        AssertBad(CliRunner.Run(args), mustContain);
        Assert.Equal(before, File.ReadAllBytes(keep));
    }

    [Fact]
    public void AnOutputThatIsAnInputOfTheSameCommandIsRefused()
    {
        string xi = DataSet(), flow = SuperResCheckpoint(2);
        RefusedKeeping(xi, "--out", "generate", "-f", flow, "-i", xi, "-n", "4", "-o", xi);
        RefusedKeeping(xi, "is also --input", "sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8", "--out", xi);
        RefusedKeeping(flow, "is also --flow", "sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8", "--json", flow);
        RefusedKeeping(flow, "is also --flow", "sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8", "--trace", flow);
        // A second spelling of the same file is the same file.
        RefusedKeeping(xi, "is also --input", "sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8",
            "--out", Path.Combine(_dir, ".", Path.GetFileName(xi)));
        string nnrg = PathOf("nnrg.ckpt");
        Checkpoint.Capture(NnrgFlow.Create(4, 7, SmallNnrg())).Save(nnrg);
        RefusedKeeping(nnrg, "is also --nnrg", "compare-convergence", "--superres", flow, "-i", xi, "--nnrg", nnrg, "--json", nnrg);
        string history = PathOf("h.json");
        File.WriteAllText(history, """{"step":[1],"loss":[0.5]}""");
        RefusedKeeping(history, "is also --history", "plot", "--history", history, "--out", history);
    }

    [Fact]
    public void TwoOutputsOfOneCommandMayNotShareAPath()
    {
        string f = PathOf("f");
        AssertBad(CliRunner.Run("mcmc", "-L", "4", "-T", "2.5", "-n", "100", "--json", f, "--save-configs", f), "both name");
        AssertBad(CliRunner.Run("relaxed", "-L", "4", "-T", "2.5", "-n", "64", "--json", f, "--out", f), "both name");
        Assert.False(File.Exists(f));
    }

    [Fact]
    public void EveryTemperatureGetsItsOwnConfigurationFile()
    {
        string c = PathOf("c.h5");
        AssertOk(CliRunner.Run("mcmc", "-L", "4", "-T", "2.00001,2.00002", "-n", "100", "--thermalize", "10", "--save-configs", c));
        var files = Directory.GetFiles(_dir, "c-T*.h5").Order().ToArray();
        Assert.Equal(2, files.Length);
        Assert.Equal([2.00001, 2.00002], files.Select(p => SpinConfigurationFile.Read(p).Metadata.Temperature));
        AssertBad(CliRunner.Run("mcmc", "-L", "4", "-T", "2.0,2.0", "-n", "100", "--save-configs", PathOf("d.h5")), "twice");
        Assert.Empty(Directory.GetFiles(_dir, "d*"));
    }

    [Fact]
    public void AnExistingOutputIsKeptUnlessForced()
    {
        string json = PathOf("e.json");
        File.WriteAllText(json, "precious");
        string err = AssertBad(CliRunner.Run("exact", "-L", "4", "-T", "2.5", "--json", json), "--force");
        Assert.Contains(json, err);
        Assert.Equal("precious", File.ReadAllText(json));
        AssertOk(CliRunner.Run("exact", "-L", "4", "-T", "2.5", "--json", json, "--force"));
        Assert.Equal(4, JsonNode.Parse(File.ReadAllText(json))!["size"]!.GetValue<int>());

        string configs = PathOf("s.h5");
        File.WriteAllText(configs, "precious");
        AssertBad(CliRunner.Run("mcmc", "-L", "4", "-T", "2.5", "-n", "100", "--save-configs", configs), "exists");
        Assert.Equal("precious", File.ReadAllText(configs));
        AssertBad(CliRunner.Run("exact", "-L", "4", "--json", ""), "--json");
    }

    [Fact]
    public void SampleRefusesAnInputThatIsNotFinite()
    {
        string bad = DataSet(fill: float.NaN), flow = SuperResCheckpoint(2);
        foreach (string method in new[] { "flow-mh", "latent-hmc" })
            AssertBad(CliRunner.Run("sample", "-f", flow, "-i", bad, "-T", "3", "-m", method, "-n", "8", "--chains", "2"), "non-finite");
    }

    [Fact]
    public void APipelineLatentFileIsNotAnInputDataSet()
    {
        string flow = SuperResCheckpoint(2), z = PathOf("z.h5");
        var values = ExactSamplingTests.InputData(2, T, 32, 5).Select(v => (float)v).ToArray();
        RelaxedConfigurationFile.Write(z, values, 32, new RelaxedConfigurationMetadata(2, T, SpinFlow.Relaxation.RelaxedIsing.DefaultShift(T), SpinFlow.Latent.LatentFile.SamplerName, 5));
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", z, "-T", "3", "-n", "8"), "pipeline latent file");
        AssertBad(CliRunner.Run("generate", "-f", flow, "-i", z, "-n", "4", "-o", PathOf("g.h5")), "pipeline latent file");
        Assert.False(File.Exists(PathOf("g.h5")));
    }

    [Fact]
    public void MisusedOptionsAreRefusedInsteadOfIgnored()
    {
        string xi = DataSet(), flow = SuperResCheckpoint(2);
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", xi, "-T", "3", "-m", "flow-mh", "-n", "8", "--mass-per-level"), "--mass-per-level");
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8", "--fourier-mass"), "--fourier-mass needs --mass-per-level");
        AssertBad(CliRunner.Run("pipeline", "--latent-mass", "dense", "--out", PathOf("run")), "--latent-mass");
        Assert.False(Directory.Exists(PathOf("run")));
        AssertBad(CliRunner.Run("sample", "-f", flow + ",", "-i", xi, "-T", "3", "-n", "8"), "stray comma");
        AssertBad(CliRunner.Run("generate", "-f", "," + flow, "-i", xi, "-n", "4", "-o", PathOf("g.h5")), "stray comma");
        AssertBad(CliRunner.Run("relaxed", "-L", "4", "-T", "2.5", "-n", "64", "--threads", "-1"), "--threads");
        string history = PathOf("h.json");
        File.WriteAllText(history, """{"step":[1],"loss":[0.5]}""");
        AssertBad(CliRunner.Run("plot", "--history", history, "--figure", "fig5", "--out", PathOf("p.png")), "--figure");
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", xi, "-T", "3", "-n", "8", "--chains", "100000000"), "--chains");
        // 0 threads means one per core everywhere, the benchmark included.
        AssertOk(CliRunner.Run("bench", "flow", "-a", "superres", "-L", "4", "--couplings", "1", "--hidden", "2", "-b", "1", "-n", "1", "--warmup", "0", "-t", "0"));
    }

    [Fact]
    public void CrashesBecomeOneLineErrors()
    {
        AssertBad(CliRunner.Run("frobnicate"), "unknown command 'frobnicate'");
        // Thrown inside a parallel loop: the validation message, not AggregateException.
        AssertBad(CliRunner.Run("rescale", "-L", "46342", "-T", "2.0,2.5", "-n", "100"), "46340");
    }

    [Theory]
    [InlineData(8, 1e50)]
    [InlineData(8, 1e200)]
    [InlineData(4, 1e200)]
    public void ExactIsRightAtAnyFiniteTemperature(int size, double temperature)
    {
        string json = PathOf($"x{size}-{temperature:E0}.json");
        AssertOk(CliRunner.Run("exact", "-L", size.ToString(), "-T", temperature.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--json", json));
        var row = JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal(Math.Log(2), row["ln_z_per_site"]!.GetValue<double>(), 1e-15);
        double e = row["energy"]!.GetValue<double>(), c = row["specific_heat"]!.GetValue<double>();
        Assert.True(Math.Abs(e) <= 2.0 / temperature * (1 + 1e-12) + 1e-15 && c >= 0 && c < 1e-15, $"⟨e⟩ {e:R}, c {c:R}");
    }
}
