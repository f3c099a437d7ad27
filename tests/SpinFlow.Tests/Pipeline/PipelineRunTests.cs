using System.Text.Json.Nodes;
using SpinFlow.Exact;
using SpinFlow.Flows;
using SpinFlow.Pipeline;
using SpinFlow.Pipeline.Stages;
using SpinFlow.SuperResolution;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Pipeline;

public sealed class PipelineRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>4 → 8 → 16 at one temperature with small flows and short stages: seconds, not minutes.</summary>
    internal static PipelineOptions Tiny(double temperature = 3.2, SpinFlow.Lattice.SpinModel? model = null) =>
        PipelineOptions.ForPreset(PipelinePreset.Quick, model, baseSize: 4, levels: 2, temperatures: [temperature]) with
        {
            RescaleSweeps = 1000,
            GridPoints = 3,
            DataSamples = 256,
            GeneratedSamples = 64,
            TrainSteps = 30,
            TransferSteps = 20,
            Batch = 8,
            Architecture = new SuperResolutionFlowOptions(new RealNvpOptions(2, 4, 1, equivariant: true), 2, 2),
            Chains = 8,
            WarmUp = 150,
            Trajectories = 400,
            LevelTrajectories = [300, 400],
            InputLadder = false,
            WarmStart = true,
            LeapfrogSteps = 5,
            ReferenceSweeps = 4000,
            Threads = 1,
        };

    [Fact]
    public void InterruptedRunResumesWithoutRedoingStagesAndIsExactAtTheLargestSize()
    {
        var options = Tiny();
        string folder = Path.Combine(_dir, "run");
        string interruptAfter = PipelineRun.TrainStage(options.Temperatures[0], 4);
        using var cancel = new CancellationTokenSource();
        var firstSession = new List<string>();
        var progress = new SyncProgress(p =>
        {
            if (!p.Finished) return;
            firstSession.Add(p.Stage);
            if (p.Stage == interruptAfter) cancel.Cancel();
        });
        Assert.ThrowsAny<OperationCanceledException>(() => PipelineRun.Run(options, folder, progress: progress, cancellation: cancel.Token));
        Assert.Contains(interruptAfter, firstSession);
        Assert.True(firstSession.Count < PipelineRun.StageNames(options).Count);

        // Without --resume an existing run is refused; with other settings too.
        Assert.Throws<IOException>(() => PipelineRun.Run(options, folder));
        var other = Assert.Throws<InvalidDataException>(() => PipelineRun.Run(options with { Seed = 99 }, folder, resume: true));
        Assert.Contains($"seed: {options.Seed} in the folder, 99 now", other.Message);

        var summary = PipelineRun.Run(options, folder, resume: true);
        Assert.Equal(firstSession.Order(), summary.Skipped.Order());
        Assert.Empty(summary.Executed.Intersect(firstSession));
        Assert.Equal(PipelineRun.StageNames(options).Order(), summary.Executed.Concat(summary.Skipped).Order());

        var run = summary.Folder;
        foreach (string path in new[] { run.ReportPath, run.ResultsPath, run.RescalingFigurePath, run.ConvergenceFigurePath, run.StructureFactorFigurePath,
                     run.TrainingFigurePath, run.CheckpointPath(4, options.Temperatures[0]), run.CheckpointPath(8, options.Temperatures[0]),
                     run.InputDataPath(4, options.Temperatures[0]), run.GeneratedDataPath(8, options.Temperatures[0]) })
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"missing artefact {path}");

        // results.json: one entry per size, temperature and observable, with numeric deviations.
        var json = JsonNode.Parse(File.ReadAllText(run.ResultsPath))!;
        var entries = json["entries"]!.AsArray();
        Assert.Equal(6, entries.Count); // ⟨m²⟩, ⟨e⟩ and U₄ at 8 and 16
        foreach (var e in entries)
        {
            Assert.True(double.IsFinite(e!["deviation_sigma"]!.GetValue<double>()));
            Assert.True(e["flow"]!["error"]!.GetValue<double>() > 0);
        }

        // The stacked exact sampler at 16×16 against the exact finite-size solution.
        var energy = summary.Results.Entries.Single(e => e.Size == 16 && e.Observable == "energy");
        double exact = KaufmanSolution.Compute(16, options.Temperatures[0]).Energy;
        Assert.Equal(exact, energy.Exact, 12);
        Assert.True(Math.Abs(energy.Flow.DeviationSigma(exact)) < 4,
            $"⟨e⟩ at 16×16: {energy.Flow.Mean} ± {energy.Flow.Error} vs exact {exact} ({energy.Flow.DeviationSigma(exact):F2}σ)");

        // Per-level trajectory counts reach the sampling stages; level 2 starts where level 1's chains ended.
        Assert.Equal("p_z", run.Load(PipelineRun.SampleStage(options.Temperatures[0], 8))["start"]!.GetValue<string>());
        Assert.Equal("level below", run.Load(PipelineRun.SampleStage(options.Temperatures[0], 16))["start"]!.GetValue<string>());
        Assert.True(File.Exists(run.LatentPath(8, options.Temperatures[0])));
        Assert.Equal(300, run.Load(PipelineRun.SampleStage(options.Temperatures[0], 8))["trajectories"]!.GetValue<int>());
        Assert.Equal(400, run.Load(PipelineRun.SampleStage(options.Temperatures[0], 16))["trajectories"]!.GetValue<int>());

        // A finished stage whose file has gone is run again on --resume, and gives the same file back.
        string generated = run.GeneratedDataPath(8, options.Temperatures[0]);
        byte[] before = File.ReadAllBytes(generated);
        File.Delete(generated);
        var repaired = PipelineRun.Run(options, folder, resume: true);
        Assert.Equal([PipelineRun.GenerateStage(options.Temperatures[0], 8)], repaired.Redone);
        Assert.Equal(repaired.Redone, repaired.Executed);
        Assert.Equal(before, File.ReadAllBytes(generated));

        string report = File.ReadAllText(run.ReportPath);
        Assert.Contains("| 16 |", report);
        Assert.Contains("Wall time per stage", report);
        Assert.Contains("## Binder cumulant", report);
        Assert.Contains("## Cost per effective sample", report);
        Assert.Contains("### Where the sampling time goes", report);

        // Cost per effective sample (issue 18): stage wall × 2τ / (chains × measured trajectories), τ the larger of Sokal's and
        // the ESS-implied one; Swendsen–Wang: the reference stage's wall per sweep × 2τ on the same lattice.
        var record = SamplingRecord.FromJson(run.Load(PipelineRun.SampleStage(options.Temperatures[0], 16)));
        int samples = record.Chains * record.Trajectories;
        double essM2 = record.Observables["m2"]!["ess"]!.GetValue<double>();
        double tauM2 = Math.Max(record.TauM2, samples / (2 * essM2));
        var m2Cost = summary.Results.Entries.Single(e => e.Size == 16 && e.Observable == "m2").Cost!;
        Assert.Equal(tauM2, m2Cost.Tau, 9);
        Assert.Equal(record.Seconds * 2 * tauM2 / samples, m2Cost.Seconds, 9);
        var reference = run.Load(PipelineRun.ReferenceStage(16));
        var point = reference["points"]!.AsArray().Single(p => p!["temperature"]!.GetValue<double>() == options.Temperatures[0])!;
        double perSweep = reference["seconds"]!.GetValue<double>() / reference["points"]!.AsArray().Sum(p => p!["sweeps"]!.GetValue<double>());
        Assert.Equal(perSweep * 2 * point["observables"]!["m2"]!["tau"]!.GetValue<double>(), m2Cost.ReferenceSeconds, 12);
        var m2Json = entries.Single(e => e!["size"]!.GetValue<int>() == 16 && e["observable"]!.GetValue<string>() == "m2")!;
        Assert.Equal(m2Cost.Ratio, m2Json["cost_ratio"]!.GetValue<double>(), 9);

        // Where the time went: the parts add up to the sampler's wall time, which lies inside the stage's; every flow of the
        // stack ran forward, inverse (spin moves) and reverse passes.
        var times = record.TimeBreakdown!;
        Assert.Equal(times.Total, times.Parts.Sum(p => p.Seconds), 9);
        Assert.True(times.Total <= record.Seconds, $"sampler {times.Total} s beyond the stage's {record.Seconds} s");
        Assert.Equal(SamplingTimes.LatentHmcParts.Select(p => p.Name), times.Parts.Select(p => p.Name));
        foreach (string part in new[] { "hmc_flow_forward", "hmc_flow_backward", "spin_sweeps", "spin_inverse", "spin_gradient", "measure_observables" })
            Assert.True(times[part] > 0, $"{part} took no time");
        Assert.Equal(2, times.Levels!.Forward.Length);
        for (int k = 0; k < 2; k++)
            Assert.True(times.Levels.Forward[k] > 0 && times.Levels.Inverse[k] > 0 && times.Levels.Backward[k] > 0, $"flow {k + 1} has a pass without time");
        Assert.True(times.Levels.Total <= times.Total);

        // spinflow plot redraws every figure from the run's JSON alone.
        foreach (string png in new[] { run.RescalingFigurePath, run.ConvergenceFigurePath, run.StructureFactorFigurePath, run.TrainingFigurePath })
            File.Delete(png);
        var plot = CliRunner.Run("plot", "--run", folder);
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        foreach (string png in new[] { run.RescalingFigurePath, run.ConvergenceFigurePath, run.StructureFactorFigurePath, run.TrainingFigurePath })
            Assert.True(File.Exists(png) && new FileInfo(png).Length > 0, $"plot did not redraw {png}");
    }

    [Fact]
    public void FourLevelsFromTwoByTwoReproduceTheExactEnergyAtThirtyTwoAtTcAndResume()
    {
        // 2 → 4 → 8 → 16 → 32 at T_c: four flows stacked, few training steps; the stacked exact sampler must still
        // reproduce the exact 32×32 energy (error ≈ 0.006 here, while ⟨e⟩ at T = 2.3 lies 0.058 away), and a run
        // stopped after the third level's training must resume.
        double tc = Onsager.CriticalTemperature;
        var options = Tiny(tc) with
        {
            Preset = "tiny-4",
            BaseSize = 2,
            Levels = 4,
            TrainSteps = 20,
            TransferSteps = 10,
            WarmUp = 60,
            Trajectories = 150,
            LevelWarmUp = null,
            LevelTrajectories = null,
            WarmStart = false,
            InputLadder = true,
            ReferenceSweeps = 2000,
        };
        string folder = Path.Combine(_dir, "four");
        using var cancel = new CancellationTokenSource();
        string interruptAfter = PipelineRun.TrainStage(tc, 8);
        var progress = new SyncProgress(p => { if (p.Finished && p.Stage == interruptAfter) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => PipelineRun.Run(options, folder, progress: progress, cancellation: cancel.Token));
        var summary = PipelineRun.Run(options, folder, resume: true);
        Assert.Contains(interruptAfter, summary.Skipped);

        var energy = summary.Results.Entries.Single(e => e.Size == 32 && e.Observable == "energy");
        double exact = KaufmanSolution.Compute(32, tc).Energy;
        Assert.True(Math.Abs(energy.Flow.DeviationSigma(exact)) < 4,
            $"⟨e⟩ at 32×32: {energy.Flow.Mean} ± {energy.Flow.Error} vs exact {exact} ({energy.Flow.DeviationSigma(exact):F2}σ)");
        // Four sampled sizes: ⟨m²⟩ and U₄ against L are drawn and listed in the report.
        Assert.True(new FileInfo(summary.Folder.SizeM2FigurePath).Length > 0);
        Assert.True(new FileInfo(summary.Folder.SizeBinderFigurePath).Length > 0);
        Assert.Contains("fig-size-binder.png", File.ReadAllText(summary.Folder.ReportPath));
    }

    [Fact]
    public void InputLadderFeedsEachLevelItsRungAndStaysExact()
    {
        double t = 3.2;
        var options = Tiny(t) with { InputLadder = true, WarmStart = false };
        var summary = PipelineRun.Run(options, Path.Combine(_dir, "ladder"));
        var run = summary.Folder;

        // R²(T) = R(R(T)): the second rung is a rescaling run at exactly the first rung's temperature.
        var rungs = run.Load(PipelineRun.LadderStage)["targets"]![0]!["t_xi"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray();
        double r1 = run.Load(PipelineRun.RescaleStage)["targets"]![0]!["t_xi"]!.GetValue<double>();
        Assert.Equal(2, rungs.Length);
        Assert.Equal(r1, rungs[0]);
        var round = run.Load(PipelineRun.LadderStage)["rounds"]![0]!["points"]![0]!;
        Assert.Equal(r1, round["temperature"]!.GetValue<double>());
        Assert.Equal(round["t_xi"]!.GetValue<double>(), rungs[1]);
        // Above T_c blocking moves away from T_c, so the ladder climbs.
        Assert.True(t < rungs[0] && rungs[0] < rungs[1], $"ladder {t} → {rungs[0]} → {rungs[1]}");

        // Level k is fed rung k; the level-2 training input is generated from rung 2.
        var (_, count, meta) = SpinFlow.IO.RelaxedConfigurationFile.Read(run.InputDataPath(4, t, 2));
        Assert.Equal(options.DataSamples, count);
        Assert.Equal(rungs[1], meta.Temperature);
        Assert.Equal(rungs[0], run.Load(PipelineRun.SampleStage(t, 8))["t_xi"]!.GetValue<double>());
        Assert.Equal(rungs[1], run.Load(PipelineRun.SampleStage(t, 16))["t_xi"]!.GetValue<double>());
        Assert.Equal(rungs[1], run.Load(PipelineRun.GenerateStage(t, 8))["t_xi"]!.GetValue<double>());
        Assert.Equal([1, 2], summary.Results.Inputs.Select(i => i.Rung));
        Assert.Contains("input ladder", File.ReadAllText(run.ReportPath));
        // Two sampled sizes are no finite-size trend: no figures against L.
        Assert.False(File.Exists(run.SizeM2FigurePath));

        // The mass per level (on in the presets) is recorded with its scales: ξ, level-1 noises, level-2 noises (finest at 1).
        var sample = run.Load(PipelineRun.SampleStage(t, 16));
        Assert.Equal(1.0, sample["level_scale"]!.AsArray().Select(n => n!.GetValue<double>()).ToArray()[^1]);
        Assert.Equal(3, sample["level_curvature"]!.AsArray().Count);
        Assert.True(sample["energy_between_chain_error"]!.GetValue<double>() > 0);
        // So are the spin sweeps between trajectories (on in the presets), with their acceptance and the flow's round trip.
        Assert.Equal(options.SpinSweeps, sample["spin_sweeps"]!.GetValue<int>());
        Assert.InRange(sample["spin_acceptance"]!.GetValue<double>(), 0.01, 0.99);
        Assert.InRange(sample["spin_move_round_trip"]!.GetValue<double>(), 0, 1e-4);
        Assert.Contains("Metropolis sweeps", File.ReadAllText(run.ReportPath));

        // Only the start changed: the stacked sampler still reproduces the exact 16×16 energy.
        var energy = summary.Results.Entries.Single(e => e.Size == 16 && e.Observable == "energy");
        double exact = KaufmanSolution.Compute(16, t).Energy;
        Assert.True(Math.Abs(energy.Flow.DeviationSigma(exact)) < 4,
            $"⟨e⟩ at 16×16: {energy.Flow.Mean} ± {energy.Flow.Error} vs exact {exact} ({energy.Flow.DeviationSigma(exact):F2}σ)");
    }

    [Fact]
    public void CliRejectsBadInputWithOneLine()
    {
        var o = CliRunner.Run("pipeline", "--preset", "huge", "--out", Path.Combine(_dir, "x"));
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("spinflow: error:", o.Stderr.Trim());
        o = CliRunner.Run("pipeline", "--base-size", "6", "--out", Path.Combine(_dir, "y"));
        Assert.Equal(2, o.ExitCode);
        o = CliRunner.Run("pipeline", "-T", "0", "--out", Path.Combine(_dir, "z"));
        Assert.Equal(2, o.ExitCode);
        // Settings are named as the user typed them, not as the library spells them.
        o = CliRunner.Run("pipeline", "--train-steps", "0", "--out", Path.Combine(_dir, "z"));
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("--train-steps must be at least 1", o.Stderr);
        Assert.DoesNotContain("TrainSteps", o.Stderr);
        o = CliRunner.Run("pipeline", "--warmup", "0", "--out", Path.Combine(_dir, "z"));
        Assert.Equal(2, o.ExitCode);
        Assert.StartsWith("spinflow: error: --warmup must be at least 4", o.Stderr);
        o = CliRunner.Run("pipeline", "--trajectories", "100,3", "--out", Path.Combine(_dir, "z"));
        Assert.Contains("--trajectories must be at least 8", o.Stderr);
        Assert.False(Directory.Exists(Path.Combine(_dir, "z")));
        o = CliRunner.Run("plot", "--run", Path.Combine(_dir, "missing"));
        Assert.Equal(2, o.ExitCode);
        Assert.Single(o.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(Path.Combine(_dir, "x")));
    }

    private sealed class SyncProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
