using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Tests.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Cli;

public sealed class SampleCommandTests : IDisposable
{
    private const double T = 3.0;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A 2×2 relaxed data set at T (Swendsen–Wang spins, x | s exactly), as 'spinflow relaxed --out' writes it.</summary>
    private string DataSet(int size = 2)
    {
        string path = PathOf($"xi{size}.h5");
        var x = ExactSamplingTests.InputData(size, T, 32, 5).Select(v => (float)v).ToArray();
        RelaxedConfigurationFile.Write(path, x, 32, new RelaxedConfigurationMetadata(size, T, SpinFlow.Relaxation.RelaxedIsing.DefaultShift(T), "exact", 5));
        return path;
    }

    /// <summary>A freshly initialised small Flow_L (L×L → 2L×2L) saved as a checkpoint.</summary>
    private string SuperResCheckpoint(int inputSize, ulong seed)
    {
        string path = PathOf($"flow{inputSize}.ckpt");
        Checkpoint.Capture(SuperResolutionFlow.Create(inputSize, seed, SmallSuperRes())).Save(path);
        return path;
    }

    private string NnrgCheckpoint(int size)
    {
        string path = PathOf($"nnrg{size}.ckpt");
        Checkpoint.Capture(NnrgFlow.Create(size, 7, SmallNnrg())).Save(path);
        return path;
    }

    /// <summary>The keys of 'sample --json', the same for both methods (those a method lacks are null), in this order.</summary>
    private static readonly string[] SampleKeys =
    [
        "size", "temperature", "method", "samples", "chains", "warmup", "seed", "measurements", "observables", "acceptance", "step_size",
        "level_scale", "shell_scale", "shell_curvature", "spin_sweeps", "spin_clusters", "spin_acceptance", "spin_move_round_trip", "input_temperature", "weight_ess", "moves", "tau_int",
        "seconds_per_effective_sample", "time_breakdown", "wall_seconds", "flows", "converged", "warnings", "r_hat_basis",
    ];

    private static JsonObject ReadJson(string path) => (JsonObject)JsonNode.Parse(File.ReadAllText(path))!;

    private static void AssertOk(CliRunner.Outcome o) => Assert.True(o.ExitCode == 0, $"exit {o.ExitCode}: {o.Stderr}");

    private static void AssertBad(CliRunner.Outcome o)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stdout} {o.Stderr}");
        string err = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", err);
        Assert.DoesNotContain('\n', err);
    }

    [Fact]
    public void LatentHmcThroughOneFlowWritesJsonTraceAndConfigurations()
    {
        string xi = DataSet(), flow = SuperResCheckpoint(2, 3);
        string json = PathOf("r.json"), trace = PathOf("t.json"), x = PathOf("x.h5");
        var o = CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--method", "latent-hmc", "--samples", "40", "--chains", "4",
            "--warmup", "10", "--hmc-steps", "4", "--seed", "2", "--threads", "1", "--json", json, "--trace", trace, "--out", x);
        AssertOk(o);
        Assert.Contains("⟨e⟩", o.Stdout);
        Assert.Contains("latent HMC: acceptance", o.Stdout);
        Assert.Contains("cost per effective m² sample", o.Stdout);

        var r = ReadJson(json);
        Assert.Equal(SampleKeys, r.Select(p => p.Key));
        Assert.Equal(4, (int)r["size"]!);
        Assert.Equal(3.0, (double)r["temperature"]!);
        Assert.Equal("latent-hmc", (string)r["method"]!);
        Assert.Equal(160, (long)r["measurements"]!);
        foreach (string k in new[] { "energy", "m2", "abs_m", "specific_heat", "susceptibility", "binder" })
            Assert.NotNull(r["observables"]![k]!["mean"]);
        Assert.InRange((double)r["acceptance"]!, 0.0, 1.0);
        Assert.True((double)r["step_size"]! > 0);
        // The data set carries T_ξ and the shift, so ln p_z and the starting draws' weight ESS are known.
        Assert.InRange((double)r["weight_ess"]!, 0.25, 1.0);
        Assert.NotNull(r["tau_int"]!["energy"]);
        Assert.NotNull(r["tau_int"]!["m2"]);
        Assert.True((double)r["wall_seconds"]! > 0);
        Assert.Equal(Path.GetFullPath(flow), (string)r["flows"]![0]!);

        var t = ReadJson(trace);
        Assert.Equal("latent-hmc", (string)t["method"]!);
        Assert.Equal(4, (int)t["size"]!);
        Assert.Equal(11, (int)t["measured_from"]!);
        var steps = t["steps"]!.AsArray();
        Assert.Equal(10 + 40 + 1, steps.Count);
        Assert.Equal(steps.Count, t["m2"]!.AsArray().Count);
        Assert.Equal(50, (int)steps[^1]!);
        Assert.All(t["m2"]!.AsArray(), v => Assert.InRange((double)v!, 0.0, 1.0));

        var (configs, count, meta) = RelaxedConfigurationFile.Read(x);
        Assert.Equal(4, count);
        Assert.Equal(4, meta.Size);
        Assert.Equal(3.0, meta.Temperature);
        Assert.Equal("latent-hmc", meta.Sampler);
        Assert.Equal(4 * 16, configs.Length);
        Assert.Null(r["spin_sweeps"]);
    }

    [Fact]
    public void LatentHmcWithSpinSweepsReportsTheirAcceptanceAndRoundTrip()
    {
        string xi = DataSet(), flow = SuperResCheckpoint(2, 3), json = PathOf("spin.json");
        var o = CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--samples", "10", "--chains", "2",
            "--warmup", "4", "--hmc-steps", "3", "--spin-sweeps", "2", "--json", json);
        AssertOk(o);
        Assert.Contains("spin moves: 2 Metropolis sweeps", o.Stdout);
        var r = ReadJson(json);
        Assert.Equal(2, (int)r["spin_sweeps"]!);
        Assert.InRange((double)r["spin_acceptance"]!, 0.01, 0.99);
        Assert.InRange((double)r["spin_move_round_trip"]!, 0.0, 1e-4);
        AssertBad(CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--spin-sweeps", "-1"));
        Assert.Null(r["spin_clusters"]);
        // Cluster reflections are for the clock and XY models, and part of the spin move.
        AssertBad(CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--spin-clusters", "2"));
        AssertBad(CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--spin-sweeps", "2", "--spin-clusters", "-1"));
        AssertBad(CliRunner.Run("sample", "--flow", flow, "--input", xi, "-T", "3", "--samples", "10", "--chains", "2",
            "--warmup", "4", "--spin-sweeps", "2", "--spin-clusters", "2"));
    }

    [Fact]
    public void FlowMetropolisThroughAStackOfTwoFlows()
    {
        string xi = DataSet(), f2 = SuperResCheckpoint(2, 3), f4 = SuperResCheckpoint(4, 4);
        string json = PathOf("r.json");
        var o = CliRunner.Run("sample", "--flow", $"{f2},{f4}", "-i", xi, "-T", "3", "--method", "flow-mh", "--samples", "30", "--chains", "4",
            "--warmup", "5", "--threads", "1", "--json", json);
        AssertOk(o);
        Assert.Contains("Flow_2 → Flow_4", o.Stdout);
        var r = ReadJson(json);
        Assert.Equal(SampleKeys, r.Select(p => p.Key));
        Assert.Equal(["cluster_move_probability", "input_move_probability", "noise_move_probability", "pcn_rho", "acceptance"], r["moves"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["cluster", "noise-pcn", "input-pcn"], r["moves"]!["acceptance"]!.AsObject().Select(p => p.Key));
        Assert.Equal(8, (int)r["size"]!);
        Assert.Equal("flow-mh", (string)r["method"]!);
        Assert.Null(r["step_size"]);
        Assert.Equal(3.0, (double)r["input_temperature"]!);
        Assert.InRange((double)r["weight_ess"]!, 1.0 / 120, 1.0);
        Assert.Equal(2, r["flows"]!.AsArray().Count);
    }

    [Fact]
    public void NnrgFlowSamplesWithoutInputData()
    {
        string nnrg = NnrgCheckpoint(4), json = PathOf("r.json");
        var o = CliRunner.Run("sample", "--flow", nnrg, "-T", "3", "--samples", "20", "--chains", "2", "--warmup", "5", "--hmc-steps", "3", "--json", json);
        AssertOk(o);
        var r = ReadJson(json);
        Assert.Equal(4, (int)r["size"]!);
        Assert.InRange((double)r["weight_ess"]!, 0.5, 1.0);
        AssertBad(CliRunner.Run("sample", "--flow", nnrg, "-i", DataSet(), "-T", "3"));
        AssertBad(CliRunner.Run("sample", "--flow", nnrg, "-T", "3", "--method", "flow-mh"));
        AssertBad(CliRunner.Run("sample", "--flow", $"{nnrg},{nnrg}", "-T", "3"));

        // NNRG on 4×4 then Flow_4 to 8×8: z ~ N(0, I) on the whole lattice, no input data.
        string f4 = SuperResCheckpoint(4, 4);
        var s = CliRunner.Run("sample", "--flow", $"{nnrg},{f4}", "-T", "3", "--samples", "10", "--chains", "2", "--warmup", "2", "--hmc-steps", "2", "--json", json, "--force");
        AssertOk(s);
        Assert.Equal(8, (int)ReadJson(json)["size"]!);
        AssertBad(CliRunner.Run("sample", "--flow", $"{nnrg},{SuperResCheckpoint(2, 3)}", "-T", "3"));   // Flow_2 cannot follow a 4×4 NNRG flow
    }

    [Fact]
    public void BadInputGivesOneLineAndExitCode2()
    {
        string xi = DataSet(), f2 = SuperResCheckpoint(2, 3), f4 = SuperResCheckpoint(4, 4), json = PathOf("r.json");
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-T", "3"));                                  // superres without --input
        AssertBad(CliRunner.Run("sample", "--flow", f4, "-i", xi, "-T", "3"));                        // Flow_4 on 2×2 data
        AssertBad(CliRunner.Run("sample", "--flow", $"{f2},{f2}", "-i", xi, "-T", "3"));              // second level must be Flow_4
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "-T", "0"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "-T", "-1"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", PathOf("missing.h5"), "-T", "3"));
        AssertBad(CliRunner.Run("sample", "--flow", PathOf("missing.ckpt"), "-i", xi, "-T", "3"));
        AssertBad(CliRunner.Run("sample", "--flow", xi, "-i", xi, "-T", "3"));                        // not a checkpoint
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", f2, "-T", "3"));                        // not a data set
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--method", "hmc"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--samples", "3"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--chains", "0"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--hmc-step-size", "0"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--method", "flow-mh", "--hmc-steps", "3"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--input-temperature", "2"));        // latent-hmc has no base chain
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--method", "flow-mh", "--input-temperature", "0"));
        AssertBad(CliRunner.Run("sample", "--flow", f2, "-i", xi, "--json", Path.Combine(_dir, "no", "r.json")));
        AssertBad(CliRunner.Run("sample", "-i", xi, "-T", "3"));                                      // --flow is required
        Assert.False(File.Exists(json));
    }

    [Fact]
    public void CompareConvergenceWritesCurvesAgainstTheReferenceAndAPlot()
    {
        string xi = DataSet(), f2 = SuperResCheckpoint(2, 3), nnrg = NnrgCheckpoint(4), json = PathOf("c.json"), png = PathOf("c.png");
        var o = CliRunner.Run("compare-convergence", "--superres", f2, "-i", xi, "--nnrg", nnrg, "-T", "3", "--steps", "20", "--chains", "4",
            "--hmc-steps", "3", "--reference-sweeps", "500", "--threads", "1", "--json", json, "--plot", png);
        AssertOk(o);
        Assert.Contains("converged at step", o.Stdout);
        var r = ReadJson(json);
        Assert.Equal(4, (int)r["size"]!);
        Assert.True((double)r["reference"]!["m2"]!["error"]! > 0);
        var curves = r["curves"]!.AsArray();
        Assert.Equal(["superres", "NNRG"], curves.Select(c => (string)c!["label"]!));
        foreach (var c in curves)
        {
            Assert.Equal(21, c!["m2"]!.AsArray().Count);
            Assert.Equal(21, c["m2_error"]!.AsArray().Count);
        }
        Assert.True(new FileInfo(png).Length > 1000);
        AssertBad(CliRunner.Run("compare-convergence", "--superres", nnrg, "-i", xi, "--nnrg", nnrg));
        AssertBad(CliRunner.Run("compare-convergence", "--superres", f2, "-i", xi, "--nnrg", f2));
        AssertBad(CliRunner.Run("compare-convergence", "--superres", f2, "-i", xi, "--nnrg", NnrgCheckpointAt(8)));
        AssertBad(CliRunner.Run("compare-convergence", "--superres", f2, "-i", xi, "--nnrg", nnrg, "--chains", "1"));
    }

    private string NnrgCheckpointAt(int size)
    {
        string path = PathOf($"nnrg-at-{size}.ckpt");
        Checkpoint.Capture(NnrgFlow.Create(size, 8, SmallNnrg())).Save(path);
        return path;
    }
}
