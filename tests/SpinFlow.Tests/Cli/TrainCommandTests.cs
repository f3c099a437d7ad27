using SpinFlow.IO;

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
}
