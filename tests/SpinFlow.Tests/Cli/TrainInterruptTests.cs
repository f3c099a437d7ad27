using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.SuperResolution;

namespace SpinFlow.Tests.Cli;

/// <summary>Ctrl-C (SIGINT) during <c>spinflow train</c>, sent to a real child process: the run is saved and resumes exactly.</summary>
public sealed partial class TrainInterruptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-train-int-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SigInt = 2, SigTerm = 15;

    /// <summary>
    /// True when this process ignores SIGINT (bit 1 of SigIgn in /proc/self/status), as every job started in the background
    /// of a non-interactive shell does; children inherit it and the .NET runtime keeps it, so Ctrl-C cannot reach them.
    /// </summary>
    private static bool SigIntIgnored()
    {
        const string path = "/proc/self/status";
        if (!File.Exists(path)) return false;
        string? line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (SigInt - 1))) != 0;
    }

    private static string[] Train(string xi, string outPath, long steps, params string[] extra) =>
        ["train", "-i", xi, "-T", "2.5", "--steps", steps.ToString(), "--batch", "8", "--couplings", "2", "--hidden", "4",
            "--fine-layers", "1", "--coarse-layers", "1", "--gamma-steps", "3", "--seed", "3", "--threads", "1", "--out", outPath, .. extra];

    [Fact]
    public async Task SigintSavesCheckpointAndHistoryThatResumeBitForBit()
    {
        if (OperatingSystem.IsWindows()) return;
        string xi = Path.Combine(_dir, "xi.h5");
        var d = CliRunner.Run("relaxed", "--size", "4", "-T", "2.5", "--samples", "32", "--chains", "4", "--thermalize", "20", "--seed", "4", "--out", xi);
        Assert.True(d.ExitCode == 0, d.Stderr);
        string cut = Path.Combine(_dir, "cut.ckpt"), history = Path.Combine(_dir, "cut.history.json");

        string host = Path.Combine(AppContext.BaseDirectory, "SpinFlow.Cli");
        var psi = File.Exists(host) ? new ProcessStartInfo(host) : new ProcessStartInfo("dotnet", ["exec", Path.Combine(AppContext.BaseDirectory, "SpinFlow.Cli.dll")]);
        // The default --checkpoint-every 0: before the fix an interrupted run kept nothing.
        foreach (string a in Train(xi, cut, 1_000_000, "--log-every", "1", "--history", history)) psi.ArgumentList.Add(a);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        // Where SIGINT is ignored (a backgrounded test run), the child could not see it: send SIGTERM, which takes the same path.
        (int signal, int exitCode) = SigIntIgnored() ? (SigTerm, 143) : (SigInt, 130);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string? line;
        bool sent = false;
        while ((line = await p.StandardOutput.ReadLineAsync()) is not null)
            if (!sent && line.TrimStart().StartsWith("step", StringComparison.Ordinal) && long.Parse(line.Split('/')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) >= 3)
            {
                Assert.Equal(0, Kill(p.Id, signal));
                sent = true;
            }
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try { await p.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException) { p.Kill(); }
        }
        string err = await stderr;
        Assert.True(sent, err);
        Assert.True(p.ExitCode == exitCode, $"exit {p.ExitCode}: {err}");

        var saved = Checkpoint.Load(cut);
        long n = saved.Metadata.Step;
        Assert.InRange(n, 3, 1_000_000);
        Assert.Contains($"interrupted at step {n}: saved {cut} and {history}; continue with --resume", err);
        var h = TrainingHistory.FromJson(JsonNode.Parse(File.ReadAllText(history)));
        Assert.Equal(Enumerable.Range(1, (int)n).Select(i => (double)i), h["step"]);

        // Resumed to n + 2 steps, it is the uninterrupted run of n + 2 steps, bit for bit.
        var r = CliRunner.Run("train", "-i", xi, "-T", "2.5", "--steps", (n + 2).ToString(), "--threads", "1", "--out", cut, "--resume", "--history", history);
        Assert.True(r.ExitCode == 0, r.Stderr);
        string whole = Path.Combine(_dir, "whole.ckpt");
        Assert.Equal(0, CliRunner.Run(Train(xi, whole, n + 2)).ExitCode);
        var w = Checkpoint.Load(whole);
        var c = Checkpoint.Load(cut);
        Assert.Equal(w.Parameters, c.Parameters);
        Assert.Equal(w.Optimizer!.FirstMoment, c.Optimizer!.FirstMoment);
        Assert.Equal(w.Metadata.LossHistory, c.Metadata.LossHistory);
        Assert.Equal(w.Metadata.Extra!["history"]!.ToJsonString(), c.Metadata.Extra!["history"]!.ToJsonString());
    }
}
