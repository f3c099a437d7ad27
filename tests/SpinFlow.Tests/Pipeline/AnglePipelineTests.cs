using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Pipeline;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.Pipeline;

public sealed class AnglePipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-angle-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>XY 4 → 8 → 16 at T = 0.9 (near T_BKT) with small flows and short stages; the chains of level 2 start where level 1's ended.</summary>
    private static PipelineOptions TinyXy() => PipelineRunTests.Tiny(0.9, SpinModel.Xy) with
    {
        Preset = "tiny-xy",
        WarmUp = 60,
        Trajectories = 100,
        LevelTrajectories = [100, 120],
    };

    [Fact]
    public void TinyXyPipelineWritesEveryArtefactResumesAndMatchesWolffAtTheLargestSize()
    {
        var options = TinyXy();
        double t = options.Temperatures[0];
        Assert.Equal(2, options.Architecture.Channels);
        string folder = Path.Combine(_dir, "xy");
        string interruptAfter = PipelineRun.TrainStage(t, 4);
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

        // The resumed session skips what the first finished (the measured energy curve is read back from the rescaling record).
        var summary = PipelineRun.Run(options, folder, resume: true);
        Assert.Equal(firstSession.Order(), summary.Skipped.Order());
        Assert.Empty(summary.Executed.Intersect(firstSession));
        Assert.Equal(PipelineRun.StageNames(options).Order(), summary.Executed.Concat(summary.Skipped).Order());

        var run = summary.Folder;
        foreach (string path in new[] { run.ReportPath, run.ResultsPath, run.RescalingFigurePath, run.ConvergenceFigurePath, run.StructureFactorFigurePath,
                     run.TrainingFigurePath, run.HelicityFigurePath, run.CheckpointPath(4, t), run.CheckpointPath(8, t), run.InputDataPath(4, t),
                     run.GeneratedDataPath(8, t), run.SamplesPath(16, t), run.LatentPath(8, t) })
            Assert.True(File.Exists(path) && new FileInfo(path).Length > 0, $"missing artefact {path}");

        // Every data file of the run is an XY file: [n, L, L, 2] with the model attribute.
        Assert.Equal("xy", SpinFlow.IO.RelaxedConfigurationFile.Read(run.InputDataPath(4, t), "xy").Metadata.Model);
        Assert.Equal("xy", SpinFlow.IO.RelaxedConfigurationFile.Read(run.SamplesPath(16, t), "xy").Metadata.Model);
        Assert.Throws<InvalidDataException>(() => SpinFlow.IO.RelaxedConfigurationFile.Read(run.GeneratedDataPath(8, t)));

        // The rescaling record keeps the measured 4×4 curve, and T_ξ carries its error.
        var rescale = run.Load(PipelineRun.RescaleStage);
        Assert.Equal("xy", rescale["model"]!.GetValue<string>());
        Assert.True(rescale["half_curve"]!["points"]!.AsArray().Count >= 9);
        Assert.All(rescale["points"]!.AsArray(), p => Assert.True(p!["t_xi_curve_error"]!.GetValue<double>() > 0));

        // results.json: today's layout, one entry per size, temperature and observable, named as in mcmc --json.
        var json = JsonNode.Parse(File.ReadAllText(run.ResultsPath))!;
        Assert.Equal("xy", json["settings"]!["model"]!.GetValue<string>());
        var entries = json["entries"]!.AsArray();
        Assert.Equal(10, entries.Count);
        Assert.Equal(["binder", "energy", "helicity", "m2", "vortex_density"], entries.Select(e => e!["observable"]!.GetValue<string>()).Distinct().Order());
        foreach (var e in entries)
        {
            Assert.Equal("wolff", e!["reference_method"]!.GetValue<string>());
            Assert.True(double.IsFinite(e["deviation_sigma"]!.GetValue<double>()));
            Assert.True(e["flow"]!["error"]!.GetValue<double>() > 0 && e["reference"]!["error"]!.GetValue<double>() > 0);
        }
        Assert.Equal(3, json["reference_curves"]![0]!["helicity"]!.AsArray().Count);

        // The stacked exact sampler at 16×16 against an independent algorithm (Wolff on the spins), within 4σ combined;
        // XY has no finite-size solution, so there is no exact column.
        foreach (string observable in new[] { "energy", "helicity" })
        {
            var entry = summary.Results.Entries.Single(e => e.Size == 16 && e.Observable == observable);
            Assert.True(Math.Abs(entry.DeviationSigma) < 4,
                $"{observable} at 16×16: {entry.Flow.Mean} ± {entry.Flow.Error} vs Wolff {entry.Reference.Mean} ± {entry.Reference.Error} ({entry.DeviationSigma:F2}σ)");
        }
        Assert.True(double.IsNaN(summary.Results.Entries.Single(e => e.Size == 16 && e.Observable == "energy").Exact));
        Assert.Equal("level below", run.Load(PipelineRun.SampleStage(t, 16))["start"]!.GetValue<string>());

        string report = File.ReadAllText(run.ReportPath);
        Assert.Contains("model xy", report);
        Assert.Contains("| L | T | Υ flow | Υ Wolff |", report);
        Assert.Contains("| 16 | 0.9000 |", report);

        // spinflow plot redraws every figure, the helicity one included, from the run's JSON alone.
        string[] figures = [run.RescalingFigurePath, run.ConvergenceFigurePath, run.StructureFactorFigurePath, run.TrainingFigurePath, run.HelicityFigurePath];
        foreach (string png in figures) File.Delete(png);
        var plot = CliRunner.Run("plot", "--run", folder);
        Assert.True(plot.ExitCode == 0, plot.Stderr);
        foreach (string png in figures) Assert.True(File.Exists(png) && new FileInfo(png).Length > 0, $"plot did not redraw {png}");
    }

    [Fact]
    public void ResumingAnotherModelsRunIsRefusedInOneLine()
    {
        string ising = Path.Combine(_dir, "ising"), xy = Path.Combine(_dir, "xy-run");
        // A run folder exists once its settings are written; that is all a resume compares.
        RunFolder.Open(ising, PipelineOptions.ForPreset(PipelinePreset.Quick).SettingsJson(), resume: false).Dispose();
        RunFolder.Open(xy, PipelineOptions.ForPreset(PipelinePreset.Quick, SpinModel.Xy).SettingsJson(), resume: false).Dispose();

        var o = CliRunner.Run("pipeline", "--model", "xy", "--resume", "--out", ising);
        Assert.Equal(2, o.ExitCode);
        Assert.Single(o.Stderr.Trim().Split('\n'));
        Assert.Contains("holds a run of the ising model, not of xy", o.Stderr);
        o = CliRunner.Run("pipeline", "--resume", "--out", xy);
        Assert.Equal(2, o.ExitCode);
        Assert.Single(o.Stderr.Trim().Split('\n'));
        Assert.Contains("holds a run of the xy model, not of ising", o.Stderr);
        Assert.Empty(Directory.GetFiles(Path.Combine(ising, "stages")));
        Assert.Empty(Directory.GetFiles(Path.Combine(xy, "stages")));
    }

    /// <summary>A run started before the presets had cluster reflections is refused with the setting named, and resumes with --spin-clusters 0.</summary>
    [Fact]
    public void AFolderWithoutClusterReflectionsNamesTheSettingAndResumesWithThemOff()
    {
        string xy = Path.Combine(_dir, "xy-without-clusters");
        var without = PipelineOptions.ForPreset(PipelinePreset.Quick, SpinModel.Xy) with { SpinClusters = 0 };
        RunFolder.Open(xy, without.SettingsJson(), resume: false).Dispose();

        var refused = Assert.Throws<InvalidDataException>(() => RunFolder.Open(xy, PipelineOptions.ForPreset(PipelinePreset.Quick, SpinModel.Xy).SettingsJson(), resume: true));
        Assert.Contains("spin_clusters: absent in the folder, 10 now", refused.Message);
        RunFolder.Open(xy, without.SettingsJson(), resume: true).Dispose();

        // --spin-sweeps 0 (pure latent HMC) drops the preset's reflections with the sweeps: the CLI's settings differ from
        // a folder of exactly that run in the seed alone.
        string pure = Path.Combine(_dir, "xy-pure-latent-hmc");
        RunFolder.Open(pure, (without with { SpinSweeps = 0, Seed = 99 }).SettingsJson(), resume: false).Dispose();
        var o = CliRunner.Run("pipeline", "--model", "xy", "--spin-sweeps", "0", "--resume", "--out", pure);
        Assert.Equal(2, o.ExitCode);
        Assert.Contains("(seed: 99 in the folder, 1 now;", o.Stderr);
    }

    [Fact]
    public void PresetsFollowTheModel()
    {
        var xy = PipelineOptions.ForPreset(PipelinePreset.Quick, SpinModel.Xy);
        Assert.Equal([0.7, 0.9, 1.1], xy.Temperatures);
        Assert.Equal((8, 32), (xy.BaseSize, xy.FinalSize));
        Assert.Equal(2, xy.Architecture.Channels);
        Assert.Equal(SpinAlgorithm.Wolff, xy.ReferenceAlgorithm);
        Assert.Equal("xy", xy.SettingsJson()["model"]!.GetValue<string>());

        var paper = PipelineOptions.ForPreset(PipelinePreset.Paper, SpinModel.Xy);
        Assert.Equal((16, 128, 7), (paper.BaseSize, paper.FinalSize, paper.Temperatures.Count));
        Assert.True(paper.Temperatures[0] >= 0.7 && paper.Temperatures[^1] <= 1.1);
        var clock6 = PipelineOptions.ForPreset(PipelinePreset.Paper, SpinModel.Clock(6));
        Assert.Equal(7, clock6.Temperatures.Count);
        Assert.Contains(0.7, clock6.Temperatures);
        Assert.Contains(0.9, clock6.Temperatures);
        // clock:4 is two Ising models at 2T: the Ising presets' temperatures halved.
        Assert.Equal([1.0, 1.15, 1.3], PipelineOptions.ForPreset(PipelinePreset.Quick, SpinModel.Clock(4)).Temperatures);

        // Ising settings keep their shape (no model key, one channel), so older run folders still resume.
        var ising = PipelineOptions.ForPreset(PipelinePreset.Quick);
        Assert.Null(ising.SettingsJson()["model"]);
        Assert.Equal(1, ising.Architecture.Channels);
        Assert.Equal(SpinAlgorithm.SwendsenWang, ising.ReferenceAlgorithm);
    }

    [Fact]
    public void MeasuredCurveSpansEveryRungOfTheLadder()
    {
        // One step: half the lowest to twice the highest grid temperature, four intervals per grid interval.
        double[] grid = [0.7, 0.9, 1.1];
        var one = SpinFlow.Pipeline.Stages.RescalingStage.CurveGrid(grid, 3);
        Assert.Equal(9, one.Length);
        Assert.Equal(0.35, one[0], 12);
        Assert.Equal(2.2, one[^1], 12);
        // Three rungs walk down from 0.7 by up to a factor 2 each (the XY paper preset reached 0.347 at rung 3 of T = 0.7).
        var three = SpinFlow.Pipeline.Stages.RescalingStage.CurveGrid(grid, 3, rungs: 3);
        Assert.Equal(0.0875, three[0], 12);
        Assert.Equal(2.2, three[^1], 12);
        Assert.True(three.Zip(three.Skip(1), (a, b) => b - a).Max() <= one[1] - one[0] + 1e-9);
    }

    private sealed class SyncProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
