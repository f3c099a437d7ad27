using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Cli;

/// <summary>train, generate and sample with --model clock:Q / xy: the model is recorded in the checkpoint and implied later.</summary>
public sealed class AngleModelCommandTests : IDisposable
{
    private const double T = 1.2;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-angle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    /// <summary>A 2×2 relaxed data set of <paramref name="model"/> at T (Wolff angles, x | s exactly), as 'spinflow relaxed --model --out' writes it.</summary>
    private string DataSet(SpinModel model)
    {
        string path = PathOf($"xi-{model.Name.Replace(':', '-')}.h5");
        var sampler = new ExactRelaxedAngleSampler(new RelaxedAngleModel(model, 2, T), 16, 3);
        sampler.Thermalize(10);
        var x = sampler.Configurations.ToArray().Select(v => (float)v).ToArray();
        RelaxedConfigurationFile.Write(path, x, 16, new RelaxedConfigurationMetadata(2, T, RelaxedIsing.DefaultShift(T), "exact", 3, 16, model.Name));
        return path;
    }

    private static readonly string[] SmallFlow = ["--couplings", "2", "--hidden", "3", "--fine-layers", "1", "--coarse-layers", "1"];

    private string Train(SpinModel model, string data, string name, params string[] extra)
    {
        string path = PathOf(name);
        AssertOk(CliRunner.Run([.. new[] { "train", "--model", model.Name, "-i", data, "-T", "1.0", "--steps", "3", "--batch", "4", "--gamma-steps", "2", "--out", path }, .. SmallFlow, .. extra]));
        return path;
    }

    private static void AssertOk(CliRunner.Outcome o) => Assert.True(o.ExitCode == 0, $"exit {o.ExitCode}: {o.Stderr}");

    private static void AssertBad(CliRunner.Outcome o, string expected)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stdout} {o.Stderr}");
        string err = o.Stderr.Trim();
        Assert.StartsWith("spinflow: error:", err);
        Assert.DoesNotContain('\n', err);
        Assert.Contains(expected, err);
    }

    [Fact]
    public void TrainXyRecordsTheModelAndSampleReportsTheHelicity()
    {
        string data = DataSet(SpinModel.Xy);
        string flow = Train(SpinModel.Xy, data, "xy.ckpt");
        var checkpoint = Checkpoint.Load(flow);
        Assert.Equal("xy", TrainingMetadata.Read(checkpoint.Metadata).Model);
        Assert.Equal(2, checkpoint.Architecture.Channels);
        // No exact ln Z for XY: no bound is recorded rather than a wrong one.
        Assert.Null(TrainingMetadata.Read(checkpoint.Metadata).BoundPerSite);

        // The model comes from the checkpoint: no --model needed.
        string json = PathOf("xy.json");
        AssertOk(CliRunner.Run("sample", "-f", flow, "-i", data, "-T", "1.0", "-n", "8", "--chains", "2", "--warmup", "4", "--spin-sweeps", "1", "--json", json));
        var node = (JsonObject)JsonNode.Parse(File.ReadAllText(json))!;
        Assert.Equal("xy", node["model"]!.GetValue<string>());
        var observables = (JsonObject)node["observables"]!;
        foreach (string key in new[] { "energy", "specific_heat", "m2", "abs_m", "susceptibility", "binder", "helicity", "vortex_density" })
            Assert.True(observables[key]?["mean"] is JsonValue, $"observables.{key}.mean missing");

        // generate writes [n, 2L, 2L, 2] tagged with the model, which an xy reader accepts and an Ising one refuses.
        string generated = PathOf("gen.h5");
        AssertOk(CliRunner.Run("generate", "-f", flow, "-i", data, "-n", "5", "--out", generated));
        var (x, count, meta) = RelaxedConfigurationFile.Read(generated, "xy");
        Assert.Equal((5, 4, "xy"), (count, meta.Size, meta.Model));
        Assert.Equal(5 * 4 * 4 * 2, x.Length);
        Assert.Throws<InvalidDataException>(() => RelaxedConfigurationFile.Read(generated));
    }

    [Fact]
    public void Clock4RecordsTheExactBound()
    {
        string data = DataSet(SpinModel.Clock(4));
        var meta = TrainingMetadata.Read(Checkpoint.Load(Train(SpinModel.Clock(4), data, "c4.ckpt")).Metadata);
        Assert.Equal("clock:4", meta.Model);
        // −ln Z_x/N of clock:4 on 4×4 at T_x = 1: relaxed normaliser around Z₄(T) = Z_Ising(2T)² (Kaufman).
        var model = new RelaxedAngleModel(SpinModel.Clock(4), 4, 1.0);
        double lnZIsing = SpinFlow.Exact.KaufmanSolution.Compute(4, 2.0).LnZ;
        Assert.Equal(-model.LnNormalizer(2 * lnZIsing) / 16, meta.BoundPerSite!.Value, 10);
    }

    [Fact]
    public void AModelThatDisagreesWithTheCheckpointOrTheDataIsOneLine()
    {
        string data = DataSet(SpinModel.Clock(4));
        string flow = Train(SpinModel.Clock(4), data, "c4.ckpt");
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", data, "-T", "1.0", "-n", "8", "--chains", "2", "--model", "xy"), "--model xy disagrees with");
        AssertBad(CliRunner.Run("generate", "-f", flow, "-i", data, "-n", "2", "--out", PathOf("g.h5"), "--model", "xy"), "--model xy disagrees with");
        AssertBad(CliRunner.Run("sample", "-f", flow, "-i", data, "-T", "1.0", "-n", "8", "--chains", "2", "-m", "flow-mh"), "flow-mh");
        AssertBad(CliRunner.Run("train", "-i", data, "-T", "1.0", "--steps", "4", "--out", flow, "--resume", "--model", "xy"), "--model xy disagrees with --out");
        Assert.False(File.Exists(PathOf("g.h5")));

        // An xy data set without --model: the reader's refusal of another model.
        string xy = DataSet(SpinModel.Xy);
        AssertBad(CliRunner.Run([.. new[] { "train", "-i", xy, "-T", "1.0", "--steps", "2", "--out", PathOf("t.ckpt") }, .. SmallFlow]), "holds relaxed xy configurations");
        Assert.False(File.Exists(PathOf("t.ckpt")));
    }

    [Fact]
    public void AResumedRunTakesTheModelFromItsCheckpoint()
    {
        string data = DataSet(SpinModel.Xy);
        string flow = Train(SpinModel.Xy, data, "xy.ckpt");
        var outcome = CliRunner.Run("train", "-i", data, "-T", "1.0", "--steps", "5", "--batch", "4", "--out", flow, "--resume");
        AssertOk(outcome);
        var meta = TrainingMetadata.Read(Checkpoint.Load(flow).Metadata);
        Assert.Equal((5L, "xy"), (meta.Step, meta.Model));
        // The continuation is the uninterrupted run, bit for bit.
        string straight = PathOf("straight.ckpt");
        AssertOk(CliRunner.Run([.. new[] { "train", "--model", "xy", "-i", data, "-T", "1.0", "--steps", "5", "--batch", "4", "--gamma-steps", "2", "--out", straight }, .. SmallFlow]));
        Assert.Equal(File.ReadAllBytes(straight), File.ReadAllBytes(flow));
    }
}
