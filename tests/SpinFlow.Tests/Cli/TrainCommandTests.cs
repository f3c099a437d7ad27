using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.Cli;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-train-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string DataSet()
    {
        string xi = Path.Combine(_dir, "xi.h5");
        var o = CliRunner.Run("relaxed", "--size", "4", "-T", "2.5", "--samples", "32", "--chains", "4", "--thermalize", "20", "--seed", "4", "--out", xi);
        Assert.True(o.ExitCode == 0, o.Stderr);
        return xi;
    }

    private static string[] Train(string xi, string outPath, int steps, params string[] extra) =>
        ["train", "-i", xi, "-T", "2.5", "--steps", steps.ToString(), "--batch", "8", "--couplings", "2", "--hidden", "4",
            "--fine-layers", "1", "--coarse-layers", "1", "--gamma-steps", "3", "--seed", "3", "--threads", "1", "--out", outPath, .. extra];

    [Fact]
    public void BadInputGivesExitCode2()
    {
        string missing = Path.Combine(_dir, "missing.h5");
        string ckpt = Path.Combine(_dir, "flow.ckpt");
        AssertBad(CliRunner.Run("train", "-i", missing, "-T", "2.5", "--steps", "2", "--out", ckpt));
        Assert.False(File.Exists(ckpt));
        string xi = DataSet();
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "0", "--out", ckpt));
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "0", "--steps", "2", "--out", ckpt));
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "2", "--batch", "0", "--out", ckpt));
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "2", "--init", ckpt, "--resume", "--out", ckpt));
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "2"));
        File.WriteAllText(ckpt, "not a checkpoint");
        AssertBad(CliRunner.Run(Train(xi, ckpt, 2)));
        AssertBad(CliRunner.Run(Train(xi, ckpt, 2, "--resume")));
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "2", "--out", ckpt, "--resume"));
        Assert.Equal("not a checkpoint", File.ReadAllText(ckpt));

        static void AssertBad(CliRunner.Outcome o)
        {
            Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stderr}");
            Assert.StartsWith("spinflow: error:", o.Stderr.Trim());
        }
    }

    [Fact]
    public void TinyRunPrintsProgressAndResumesExactly()
    {
        string xi = DataSet();
        string whole = Path.Combine(_dir, "whole.ckpt"), split = Path.Combine(_dir, "split.ckpt");
        var a = CliRunner.Run(Train(xi, whole, 6, "--log-every", "2"));
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.Contains("step       6/6  loss", a.Stdout);
        Assert.Contains("steps/s", a.Stdout);
        Assert.Contains("bound", a.Stdout);
        Assert.Contains("  KL ", a.Stdout);

        var b = CliRunner.Run(Train(xi, split, 4));
        Assert.True(b.ExitCode == 0, b.Stderr);
        // The architecture, seed, batch and γ schedule are in the checkpoint: a resumed run needs none of them.
        var c = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "6", "--threads", "1", "--out", split, "--resume");
        Assert.True(c.ExitCode == 0, c.Stderr);
        Assert.Contains("resuming at step 4", c.Stdout);
        Assert.Contains("batch 8, seed 3", c.Stdout);
        Assert.DoesNotContain("note:", c.Stderr);

        var w = Checkpoint.Load(whole);
        var s = Checkpoint.Load(split);
        Assert.Equal(6, s.Metadata.Step);
        Assert.Equal(w.Parameters, s.Parameters);
        Assert.Equal(w.Metadata.LossHistory, s.Metadata.LossHistory);
        Assert.Equal(2.5, s.Metadata.Temperatures["xi"]);
        Assert.Equal(8, s.Metadata.Sizes["output"]);

        // An explicit, different seed is honoured but flagged; a run already at --steps has nothing to do.
        var d = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "7", "--seed", "4", "--out", split, "--resume");
        Assert.True(d.ExitCode == 0, d.Stderr);
        Assert.Contains("note: --seed 4 differs from the saved run's 3", d.Stderr);
        var e = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "7", "--out", split, "--resume");
        Assert.True(e.ExitCode == 0, e.Stderr);
        Assert.Contains("nothing to do", e.Stdout);
    }

    private static void AssertRefused(CliRunner.Outcome o, params string[] words)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stderr}");
        Assert.StartsWith("spinflow: error:", o.Stderr.Trim());
        Assert.Single(o.Stderr.Trim().Split('\n'));
        foreach (string w in words) Assert.Contains(w, o.Stderr);
    }

    private string RelaxedData(string name, int size, int seed)
    {
        string path = Path.Combine(_dir, name);
        var o = CliRunner.Run("relaxed", "--size", size.ToString(), "-T", "2.5", "--samples", "16", "--chains", "4", "--thermalize", "10", "--seed", seed.ToString(), "--out", path);
        Assert.True(o.ExitCode == 0, o.Stderr);
        return path;
    }

    [Fact]
    public void HistoryMayNotDestroyInputInitOrCheckpoint()
    {
        string xi = DataSet();
        string ckpt = Path.Combine(_dir, "flow.ckpt"), other = Path.Combine(_dir, "other.ckpt"), history = Path.Combine(_dir, "h.json");
        byte[] data = File.ReadAllBytes(xi);
        AssertRefused(CliRunner.Run(Train(xi, ckpt, 2, "--history", xi)), "--history", "--input");
        Assert.Equal(data, File.ReadAllBytes(xi));
        Assert.False(File.Exists(ckpt));

        Assert.Equal(0, CliRunner.Run(Train(xi, ckpt, 2, "--history", history)).ExitCode);
        string saved = File.ReadAllText(ckpt);
        AssertRefused(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume", "--history", ckpt), "--history", "--out");
        AssertRefused(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "2", "--init", ckpt, "--out", other, "--history", ckpt), "--history", "--init");
        Assert.Equal(saved, File.ReadAllText(ckpt));
        Assert.Equal(0, CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume").ExitCode);

        // An existing history of another run is kept unless --force; the history of the run being resumed is its own to rewrite.
        string foreign = File.ReadAllText(history);
        AssertRefused(CliRunner.Run(Train(xi, other, 2, "--history", history)), "--history", "--force");
        Assert.Equal(foreign, File.ReadAllText(history));
        Assert.False(File.Exists(other));
        Assert.Equal(0, CliRunner.Run(Train(xi, other, 2, "--history", history, "--force", "--lr", "0.01")).ExitCode);
        var r = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "3", "--out", other, "--resume", "--history", history);
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(new double[] { 1, 2, 3 }, TrainingHistory.FromJson(JsonNode.Parse(File.ReadAllText(history)))["step"]);
        // other's history (another learning rate) is not ckpt's: refused without --force.
        AssertRefused(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "5", "--out", ckpt, "--resume", "--history", history), "--history");
        Assert.Equal(4, Checkpoint.Load(ckpt).Metadata.Step);
    }

    [Fact]
    public void ResumeRefusesAnotherSizeOrDataSetAndNotesOldCheckpoints()
    {
        string xi = DataSet();
        string xi8 = RelaxedData("xi8.h5", 8, 4), xiOther = RelaxedData("xi-other.h5", 4, 5);
        string ckpt = Path.Combine(_dir, "flow.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, ckpt, 2)).ExitCode);
        string saved = File.ReadAllText(ckpt);
        AssertRefused(CliRunner.Run("train", "-i", xi8, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume"), "--out", "Flow_4", "8×8");
        AssertRefused(CliRunner.Run("train", "-i", xiOther, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume"), "--input", "not the data set");
        Assert.Equal(saved, File.ReadAllText(ckpt));

        // A checkpoint written before data identities (format 1, no 'data'): resumes, with a note, exactly as before.
        string whole = Path.Combine(_dir, "whole.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, whole, 4)).ExitCode);
        var o = JsonNode.Parse(saved)!.AsObject();
        o.Remove("checksum");
        o["version"] = 1;
        o["metadata"]!["extra"]!.AsObject().Remove("data");
        File.WriteAllText(ckpt, o.ToJsonString());
        var r = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--threads", "1", "--out", ckpt, "--resume");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("does not record its training data", r.Stderr);
        Assert.Equal(Checkpoint.Load(whole).Parameters, Checkpoint.Load(ckpt).Parameters);
        Assert.NotNull(TrainingMetadata.Read(Checkpoint.Load(ckpt).Metadata).Data);
    }

    [Fact]
    public void EditedCheckpointIsRefusedOnResume()
    {
        string xi = DataSet();
        string ckpt = Path.Combine(_dir, "flow.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, ckpt, 2)).ExitCode);
        string text = File.ReadAllText(ckpt);
        File.WriteAllText(ckpt, text.Replace("\"seed\": 3", "\"seed\": 4"));
        AssertRefused(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume"), ckpt, "edited");
        Assert.Equal(text.Replace("\"seed\": 3", "\"seed\": 4"), File.ReadAllText(ckpt));
    }

    [Fact]
    public void ResumeRefusesAnotherLearningRateInsteadOfIgnoringIt()
    {
        string xi = DataSet();
        string ckpt = Path.Combine(_dir, "lr.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, ckpt, 2)).ExitCode);
        byte[] before = File.ReadAllBytes(ckpt);
        AssertRefused(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume", "--lr", "0.5"), "--lr", "0.001");
        Assert.Equal(before, File.ReadAllBytes(ckpt));
        // The saved rate given explicitly is fine.
        Assert.Equal(0, CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume", "--lr", "0.001").ExitCode);
    }

    [Fact]
    public void LatentFileIsNotTrainingData()
    {
        string z = Path.Combine(_dir, "z-L4-T2.5.h5"), ckpt = Path.Combine(_dir, "flow.ckpt");
        var values = new float[8 * 16];
        new SpinFlow.Randomness.Xoshiro256(1).FillGaussian(values);
        RelaxedConfigurationFile.Write(z, values, 8, new RelaxedConfigurationMetadata(4, 2.5, 0.1, "latent-hmc-z", 1, 8));
        AssertRefused(CliRunner.Run(Train(z, ckpt, 2)), "--input", "latent");
        Assert.False(File.Exists(ckpt));
    }

    [Fact]
    public void NewFlowsAreEquivariantUnlessPlain()
    {
        string xi = DataSet();
        string odd = Path.Combine(_dir, "odd.ckpt"), plain = Path.Combine(_dir, "plain.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, odd, 1)).ExitCode);
        Assert.Equal(0, CliRunner.Run(Train(xi, plain, 1, "--plain")).ExitCode);
        Assert.True(Checkpoint.Load(odd).Architecture.Bijector.Equivariant);
        Assert.False(Checkpoint.Load(plain).Architecture.Bijector.Equivariant);
        AssertRefused(CliRunner.Run(Train(xi, Path.Combine(_dir, "x.ckpt"), 1, "--plain", "--equivariant")), "--plain");
    }
}
