using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Distributed;

/// <summary>Where MPICH's launcher and library are, or why these tests are skipped.</summary>
internal static class Mpich
{
    public static readonly Lazy<string?> Launcher = new(() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "mpirun")).FirstOrDefault(File.Exists));

    public static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "MPI runs are tested on Linux only";
        if (Launcher.Value is null) return "mpirun not found: install MPICH (apt-get install mpich) to run the MPI tests";
        foreach (string name in new[] { "libmpich.so.12", "libmpi.so.12" })
            if (NativeLibrary.TryLoad(name, out var handle)) { NativeLibrary.Free(handle); return null; }
        return "libmpich.so.12 not found: install MPICH (apt-get install mpich) to run the MPI tests";
    });
}

/// <summary>A fact that xunit 2 reports as skipped, with the reason, where MPICH is not installed.</summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (Mpich.Unavailable.Value is { } reason) Skip = reason;
    }
}

/// <summary>
/// The CLI under MPICH's mpirun against the same command in one process: the pipeline and training write the same
/// bytes for 1, 2 and 3 ranks, and a killed rank leaves a folder that --resume (with another number of ranks) finishes
/// into the uninterrupted run's files.
/// </summary>
public sealed class MpiRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-mpi-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // 4 → 8 → 16 at two temperatures, short stages: seconds per run.
    private static string[] Pipeline(string folder, params string[] extra) =>
        ["pipeline", "--preset", "quick", "--base-size", "4", "--levels", "2", "-T", "2.2,2.6", "--train-steps", "20", "--transfer-steps", "10",
            "--chains", "4", "--warmup", "8", "--trajectories", "16", "--reference-sweeps", "500", "--threads", "1", "--seed", "7", "--out", folder, .. extra];

    private static ProcessStartInfo Mpirun(int ranks, string[] args)
    {
        var psi = new ProcessStartInfo(Mpich.Launcher.Value!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-n", ranks.ToString() }) psi.ArgumentList.Add(a);
        string host = Path.Combine(AppContext.BaseDirectory, "SpinFlow.Cli");
        if (File.Exists(host)) psi.ArgumentList.Add(host);
        else foreach (string a in new[] { "dotnet", "exec", Path.Combine(AppContext.BaseDirectory, "SpinFlow.Cli.dll") }) psi.ArgumentList.Add(a);
        foreach (string a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static (int ExitCode, string Stdout, string Stderr) RunMpi(int ranks, params string[] args)
    {
        using var p = Process.Start(Mpirun(ranks, args))!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun -n {ranks} did not finish: {stderr.Result}");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Every file of run folder <paramref name="b"/> against <paramref name="a"/>: JSON without wall times and rank lists, everything else byte for byte.</summary>
    private static void AssertSameRun(string a, string b)
    {
        var files = Directory.EnumerateFiles(a, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(a, f))
            .Where(f => !f.EndsWith(".png", StringComparison.Ordinal) && Path.GetFileName(f) != ".lock" && f != "report.md").Order().ToArray();
        Assert.Equal(files, Directory.EnumerateFiles(b, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(b, f))
            .Where(f => !f.EndsWith(".png", StringComparison.Ordinal) && Path.GetFileName(f) != ".lock" && f != "report.md").Order());
        Assert.Contains("results.json", files);
        foreach (string f in files)
        {
            string pa = Path.Combine(a, f), pb = Path.Combine(b, f);
            if (f.EndsWith(".json", StringComparison.Ordinal))
                Assert.True(JsonNode.DeepEquals(Timeless(JsonNode.Parse(File.ReadAllText(pa))), Timeless(JsonNode.Parse(File.ReadAllText(pb)))), $"{f} differs");
            else
                Assert.True(File.ReadAllBytes(pa).AsSpan().SequenceEqual(File.ReadAllBytes(pb)), $"{f} differs");
        }
    }

    // Wall times (and the costs per effective sample made of them) differ between any two runs; the rank lists say who
    // ran a stage, not what it found.
    private static JsonNode? Timeless(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (string key in o.Select(kv => kv.Key).ToArray())
                    if (key is "seconds" or "wall_seconds" or "ranks" or "time_breakdown" or "seconds_per_effective_sample"
                        or "reference_seconds_per_effective_sample" or "cost_ratio") o.Remove(key);
                    else Timeless(o[key]);
                break;
            case JsonArray arr:
                foreach (var item in arr) Timeless(item);
                break;
        }
        return node;
    }

    [MpiFact]
    public void TwoAndThreeRankPipelinesWriteTheOneRankRunBitForBit()
    {
        string one = Path.Combine(_dir, "one"), two = Path.Combine(_dir, "two");
        var alone = CliRunner.Run(Pipeline(one));
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        var spread = RunMpi(2, Pipeline(two));
        Assert.True(spread.ExitCode == 0, spread.Stderr);
        Assert.Contains("on 2 MPI ranks", spread.Stderr);
        AssertSameRun(one, two);
        // The work really was spread: rank 1 ran stages, and only rank 0 printed the table.
        var ranks = Directory.EnumerateFiles(Path.Combine(two, "stages")).SelectMany(f => JsonNode.Parse(File.ReadAllText(f))!["ranks"]!.AsArray().Select(r => r!.GetValue<int>())).ToHashSet();
        Assert.Equal([0, 1], ranks.Order());
        Assert.Single(spread.Stdout.Split('\n'), l => l.Contains("stages run", StringComparison.Ordinal));

        // Three ranks for two temperatures: training and sampling stages run on groups of ranks (batches and chains split).
        string three = Path.Combine(_dir, "three");
        var grouped = RunMpi(3, Pipeline(three));
        Assert.True(grouped.ExitCode == 0, grouped.Stderr);
        AssertSameRun(one, three);
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(three, "stages")), f => JsonNode.Parse(File.ReadAllText(f))!["ranks"]!.AsArray().Count > 1);
    }

    [MpiFact]
    public void ThreeRankXyPipelineWritesTheOneRankRunBitForBit()
    {
        // Two-channel flows: batches and chains split over groups of ranks carry L²·2 values per row.
        string[] Xy(string folder) => [.. Pipeline(folder).Select(a => a == "2.2,2.6" ? "0.8,1.0" : a), "--model", "xy"];
        string one = Path.Combine(_dir, "xy-one"), three = Path.Combine(_dir, "xy-three");
        var alone = CliRunner.Run(Xy(one));
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        var grouped = RunMpi(3, Xy(three));
        Assert.True(grouped.ExitCode == 0, grouped.Stderr);
        AssertSameRun(one, three);
        Assert.Contains(Directory.EnumerateFiles(Path.Combine(three, "stages")), f => JsonNode.Parse(File.ReadAllText(f))!["ranks"]!.AsArray().Count > 1);
    }

    [MpiFact]
    public void DataParallelTrainWritesTheOneRankCheckpointBitForBit()
    {
        string xi = Path.Combine(_dir, "xi.h5");
        var d = CliRunner.Run("relaxed", "--size", "4", "-T", "2.5", "--samples", "64", "--chains", "4", "--thermalize", "20", "--seed", "4", "--out", xi);
        Assert.True(d.ExitCode == 0, d.Stderr);
        string[] Train(string output) => ["train", "-i", xi, "-T", "2.5", "--steps", "5", "--batch", "12", "--couplings", "2", "--hidden", "4",
            "--fine-layers", "1", "--coarse-layers", "1", "--gamma-steps", "3", "--seed", "3", "--threads", "1", "--out", output, "--history", output + ".history.json"];
        string one = Path.Combine(_dir, "one.ckpt");
        var alone = CliRunner.Run(Train(one));
        Assert.True(alone.ExitCode == 0, alone.Stderr);
        foreach (int ranks in new[] { 2, 3 })
        {
            string many = Path.Combine(_dir, $"ranks{ranks}.ckpt");
            var spread = RunMpi(ranks, Train(many));
            Assert.True(spread.ExitCode == 0, spread.Stderr);
            Assert.Equal(File.ReadAllBytes(one), File.ReadAllBytes(many));
            Assert.Equal(File.ReadAllText(one + ".history.json"), File.ReadAllText(many + ".history.json"));
        }
    }

    [MpiFact]
    public async Task AKilledRankStopsTheRunAndResumeWithOneRankFinishesIt()
    {
        string whole = Path.Combine(_dir, "whole"), cut = Path.Combine(_dir, "cut");
        Assert.Equal(0, CliRunner.Run(Pipeline(whole)).ExitCode);

        using var p = Process.Start(Mpirun(2, Pipeline(cut)))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        // Once the first flows are trained (a middle wave), kill rank 1 outright.
        string marker = Path.Combine(cut, "stages", "train-T2.6000-L4.json");
        var clock = Stopwatch.StartNew();
        // Poll on this thread: an awaited delay resumes on the thread pool, which the tests running beside this one can
        // starve for seconds, long enough for the tiny run to finish before the kill.
        while (!File.Exists(marker) && !p.HasExited && clock.Elapsed < TimeSpan.FromMinutes(2)) Thread.Sleep(20);
        Assert.False(File.Exists(Path.Combine(cut, "results.json")), "the run ended before a rank could be killed");
        int rank1 = RankPid(p.Id, 1) ?? throw new InvalidOperationException("rank 1 not found among mpirun's processes");
        Process.GetProcessById(rank1).Kill();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await p.WaitForExitAsync(limit.Token);
        string said = await stdout + await stderr;
        Assert.NotEqual(0, p.ExitCode);
        // MPICH's launcher names the rank that died and stops the others.
        Assert.Contains("BAD TERMINATION", said);
        Assert.Contains($"PID {rank1}", said);
        Assert.False(File.Exists(Path.Combine(cut, "results.json")));

        // Nothing half-written: every stage record and file under its final name is complete.
        foreach (string f in Directory.EnumerateFiles(Path.Combine(cut, "stages"))) JsonNode.Parse(File.ReadAllText(f));
        foreach (string f in Directory.EnumerateFiles(Path.Combine(cut, "data")).Concat(Directory.EnumerateFiles(Path.Combine(cut, "samples"))))
            if (!Path.GetFileName(f).StartsWith('.')) RelaxedConfigurationFile.Read(f);
        foreach (string f in Directory.EnumerateFiles(Path.Combine(cut, "flows")))
            if (!Path.GetFileName(f).StartsWith('.')) Checkpoint.Load(f);

        var resumed = CliRunner.Run(Pipeline(cut, "--resume"));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Empty(Directory.EnumerateFiles(cut, ".*.tmp", SearchOption.AllDirectories));
        AssertSameRun(whole, cut);
    }

    /// <summary>The process among <paramref name="launcher"/>'s descendants that MPICH started as rank <paramref name="rank"/>.</summary>
    private static int? RankPid(int launcher, int rank)
    {
        var parent = new Dictionary<int, int>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out int pid)) continue;
            try
            {
                // Field 4 of /proc/PID/stat is the parent; the command name (field 2) may hold spaces, so read after its ')'.
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                parent[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        bool Descends(int pid)
        {
            for (int hop = 0; hop < 16 && parent.TryGetValue(pid, out int up); hop++, pid = up)
                if (up == launcher) return true;
            return false;
        }
        foreach (int pid in parent.Keys.Where(Descends))
        {
            try
            {
                if (File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains($"PMI_RANK={rank}")) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return null;
    }
}
