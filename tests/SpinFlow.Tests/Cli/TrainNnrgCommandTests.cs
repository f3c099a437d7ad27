using SpinFlow.IO;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.Cli;

/// <summary><c>spinflow train --nnrg</c> (the NNRG baseline) and <c>--history</c>.</summary>
public sealed class TrainNnrgCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-train-nnrg-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string[] Train(string outPath, int steps, params string[] extra) =>
        ["train", "--nnrg", "--size", "4", "-T", "2.5", "--steps", steps.ToString(), "--batch", "8", "--couplings", "2", "--hidden", "4",
            "--mlp-layers", "1", "--seed", "3", "--threads", "1", "--out", outPath, .. extra];

    private static void AssertBad(CliRunner.Outcome o, string? message = null)
    {
        Assert.True(o.ExitCode == 2, $"exit {o.ExitCode}: {o.Stderr}");
        Assert.StartsWith("spinflow: error:", o.Stderr.Trim());
        if (message is not null) Assert.Contains(message, o.Stderr);
        Assert.Single(o.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public void InputAndNnrgCombinationsAreChecked()
    {
        string ckpt = Path.Combine(_dir, "nnrg.ckpt");
        string xi = Path.Combine(_dir, "xi.h5");
        var r = CliRunner.Run("relaxed", "--size", "4", "-T", "2.5", "--samples", "32", "--chains", "4", "--seed", "4", "--out", xi);
        Assert.True(r.ExitCode == 0, r.Stderr);

        AssertBad(CliRunner.Run(Train(ckpt, 2, "--input", xi)), "exclude each other");
        AssertBad(CliRunner.Run("train", "-T", "2.5", "--steps", "2", "--out", ckpt), "--input is required");
        AssertBad(CliRunner.Run("train", "--nnrg", "-T", "2.5", "--steps", "2", "--out", ckpt), "--size");
        AssertBad(CliRunner.Run("train", "-i", xi, "--size", "4", "-T", "2.5", "--steps", "2", "--out", ckpt), "--size applies to --nnrg only");
        AssertBad(CliRunner.Run("train", "--nnrg", "--size", "6", "-T", "2.5", "--steps", "2", "--out", ckpt), "power of two");
        AssertBad(CliRunner.Run(Train(ckpt, 2, "--gamma", "200")), "--gamma");
        AssertBad(CliRunner.Run(Train(ckpt, 2, "--fine-layers", "1")));
        Assert.False(File.Exists(ckpt));

        // An NNRG checkpoint cannot be continued as a super-resolution run, nor the other way round.
        Assert.Equal(0, CliRunner.Run(Train(ckpt, 2)).ExitCode);
        AssertBad(CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "4", "--out", ckpt, "--resume"), "nnrg flow");
        string flow = Path.Combine(_dir, "flow.ckpt");
        Assert.Equal(0, CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", "1", "--batch", "4", "--couplings", "2", "--hidden", "4",
            "--fine-layers", "1", "--coarse-layers", "1", "--out", flow).ExitCode);
        AssertBad(CliRunner.Run("train", "--nnrg", "--size", "8", "-T", "2.5", "--steps", "4", "--out", flow, "--resume"), "superres flow");
    }

    [Fact]
    public void NnrgRunPrintsProgressWritesHistoryAndResumesExactly()
    {
        string whole = Path.Combine(_dir, "whole.ckpt"), split = Path.Combine(_dir, "split.ckpt");
        string history = Path.Combine(_dir, "history.json");
        var a = CliRunner.Run(Train(whole, 6, "--log-every", "2"));
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.Contains("train NNRG 4×4", a.Stdout);
        Assert.Contains("step       6/6  loss", a.Stdout);
        Assert.Contains("|m|_ds", a.Stdout);
        Assert.DoesNotContain("m_in", a.Stdout);
        Assert.Contains("  KL ", a.Stdout);
        Assert.Contains("steps/s", a.Stdout);

        Assert.Equal(0, CliRunner.Run(Train(split, 4, "--history", history)).ExitCode);
        var c = CliRunner.Run("train", "--nnrg", "--size", "4", "-T", "2.5", "--steps", "6", "--threads", "1", "--out", split, "--resume", "--history", history);
        Assert.True(c.ExitCode == 0, c.Stderr);
        Assert.Contains("resuming at step 4", c.Stdout);
        Assert.DoesNotContain("note:", c.Stderr);

        var w = Checkpoint.Load(whole);
        var s = Checkpoint.Load(split);
        Assert.Equal("nnrg", s.Architecture.Name);
        Assert.Equal(6, s.Metadata.Step);
        Assert.Equal(w.Parameters, s.Parameters);
        Assert.Equal(w.Metadata.LossHistory, s.Metadata.LossHistory);
        Assert.Equal(0, s.Metadata.Extra!["gamma"]!.GetValue<double>());

        var h = TrainingHistory.FromJson(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(history)));
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, h["step"]);
        Assert.Equal(w.Metadata.LossHistory, h["loss"]);
        Assert.All(h["m_in"], v => Assert.True(double.IsNaN(v)));
        Assert.All(h["bound"], v => Assert.Equal(s.Metadata.Extra!["bound_per_site"]!.GetValue<double>() * 16, v, 9));
    }
}
