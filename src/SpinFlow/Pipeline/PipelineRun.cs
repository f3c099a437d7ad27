using System.Diagnostics;
using System.Text.Json.Nodes;
using SpinFlow.Pipeline.Stages;

namespace SpinFlow.Pipeline;

/// <summary>Outcome of <see cref="PipelineRun.Run"/>.</summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Executed">Stages run in this session, in order.</param>
/// <param name="Skipped">Stages found finished (by an earlier session) and skipped.</param>
/// <param name="Results">The results table written to results.json and report.md.</param>
/// <param name="Elapsed">Wall time of this session.</param>
public sealed record PipelineSummary(RunFolder Folder, IReadOnlyList<string> Executed, IReadOnlyList<string> Skipped,
    PipelineResults Results, TimeSpan Elapsed)
{
    /// <summary>Stages that had finished in an earlier session but were run again because files they wrote had gone (also in <see cref="Executed"/>).</summary>
    public IReadOnlyList<string> Redone { get; init; } = [];
}

/// <summary>
/// The whole super-resolution method as one resumable run (DESIGN.md §7–9, paper Fig. 5): temperature rescaling,
/// Swendsen–Wang references at every size, input data at the base size, then per target temperature and level:
/// train Flow_L (level 1 on the data; later levels start from the level below and train on configurations it generates),
/// sample the stack exactly by latent HMC, and generate the next level's input. Ends with report.md, results.json and
/// the figures.
/// </summary>
public static class PipelineRun
{
    /// <param name="Outputs">Files the stage writes besides its record; a finished stage whose files have gone is run again.</param>
    private sealed record Stage(string Name, string Kind, int Level, double? Temperature, double Cost, Func<IProgress<double>, CancellationToken, JsonObject> Body,
        string?[]? Outputs = null);

    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) the pipeline in <paramref name="folder"/>. Finished stages are
    /// never redone; the report, results and figures are rewritten at the end from all stage records.
    /// </summary>
    public static PipelineSummary Run(PipelineOptions options, string folder, bool resume = false,
        IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var run = RunFolder.Open(folder, options.SettingsJson(), resume);
        var clock = Stopwatch.StartNew();
        var plan = Plan(options, run);
        var executed = new List<string>();
        var skipped = new List<string>();
        var redone = new List<string>();
        double totalCost = plan.Sum(s => s.Cost), doneCost = 0, spentCost = 0;
        for (int i = 0; i < plan.Count; i++)
        {
            var stage = plan[i];
            if (run.IsDone(stage.Name))
            {
                if ((stage.Outputs ?? []).All(File.Exists))
                {
                    skipped.Add(stage.Name);
                    doneCost += stage.Cost;
                    continue;
                }
                // Every stage is deterministic given the settings, so running it again restores exactly what was lost.
                redone.Add(stage.Name);
            }
            cancellation.ThrowIfCancellationRequested();
            double before = clock.Elapsed.TotalSeconds;
            int index = i;
            void Report(double f, bool finished = false)
            {
                // Seconds per unit of modelled cost, measured over what ran in this session, converts the rest to time.
                // Once finished, the stage's cost is already in spentCost and doneCost.
                double current = finished ? 0 : f * stage.Cost;
                double ran = spentCost + current;
                double now = clock.Elapsed.TotalSeconds;
                TimeSpan? eta = ran > 0 && now > 1 ? TimeSpan.FromSeconds(now / ran * Math.Max(0, totalCost - doneCost - current)) : null;
                progress?.Report(new PipelineProgress(stage.Name, stage.Kind, stage.Level, stage.Temperature, f, index, plan.Count, clock.Elapsed, eta, finished));
            }
            Report(0);
            var record = stage.Body(new InlineProgress(f => Report(f)), cancellation);
            record["stage"] = stage.Name;
            record["kind"] = stage.Kind;
            record["seconds"] = clock.Elapsed.TotalSeconds - before;
            run.Save(stage.Name, record);
            executed.Add(stage.Name);
            doneCost += stage.Cost;
            spentCost += stage.Cost;
            Report(1, finished: true);
        }
        var results = PipelineResults.Collect(options, run);
        PipelineReport.Write(options, run, results);
        return new PipelineSummary(run, executed, skipped, results, clock.Elapsed) { Redone = redone };
    }

    /// <summary>Names of the stages of a run with <paramref name="options"/>, in execution order.</summary>
    public static IReadOnlyList<string> StageNames(PipelineOptions options) =>
        Plan(options, null).Select(s => s.Name).ToArray();

    /// <summary>Stage name of the reference runs on the L×L lattice.</summary>
    public static string ReferenceStage(int size) => $"reference-L{size}";
    /// <summary>Stage name of the input data at target temperature T.</summary>
    public static string DataStage(double t) => $"data-T{RunFolder.Tag(t)}";
    /// <summary>Stage name of the base-size data set at rung <paramref name="rung"/> of the input ladder (rung 1: <see cref="DataStage(double)"/>).</summary>
    public static string DataStage(double t, int rung) => rung == 1 ? DataStage(t) : $"data-T{RunFolder.Tag(t)}-R{rung}";
    /// <summary>Stage name of training Flow_L (input size L) for target T.</summary>
    public static string TrainStage(double t, int inputSize) => $"train-T{RunFolder.Tag(t)}-L{inputSize}";
    /// <summary>Stage name of latent HMC on the L×L output of the stack for target T.</summary>
    public static string SampleStage(double t, int size) => $"sample-T{RunFolder.Tag(t)}-L{size}";
    /// <summary>Stage name of generating L×L configurations from the stack for target T.</summary>
    public static string GenerateStage(double t, int size) => $"generate-T{RunFolder.Tag(t)}-L{size}";
    /// <summary>Stage name of the rescaling run.</summary>
    public const string RescaleStage = "rescale";
    /// <summary>Stage name of the input ladder T_ξ⁽ᵏ⁾ = R^k(T), k ≥ 2 (only with <see cref="PipelineOptions.InputLadder"/>).</summary>
    public const string LadderStage = "rescale-ladder";

    /// <summary>
    /// Temperatures of the rescaling run and of the reference curves: GridPoints values spanning the targets with a
    /// margin (so interpolation never leaves the grid), merged with the targets themselves.
    /// </summary>
    public static double[] Grid(PipelineOptions options)
    {
        double lo = options.Temperatures[0], hi = options.Temperatures[^1];
        double margin = Math.Max(0.05, 0.1 * (hi - lo));
        lo -= margin;
        hi += margin;
        // Targets keep their exact values (results are looked up by them); grid points that nearly coincide with one give way.
        var grid = Enumerable.Range(0, options.GridPoints).Select(i => Math.Round(lo + (hi - lo) * i / (options.GridPoints - 1), 10))
            .Where(g => options.Temperatures.All(t => Math.Abs(g - t) > 1e-6));
        return grid.Concat(options.Temperatures).Distinct().Order().ToArray();
    }

    private static List<Stage> Plan(PipelineOptions o, RunFolder? run)
    {
        var c = new StageContext(o, run);
        var stages = new List<Stage>();
        int b = o.BaseSize;
        double[] grid = Grid(o);
        stages.Add(new Stage(RescaleStage, "rescale", 0, null, StageCost.Rescaling(o, grid.Length), (p, ct) => RescalingStage.Run(c, grid, p, ct)));
        if (o.LadderRungs > 1)
            stages.Add(new Stage(LadderStage, "rescale", 0, null, (o.LadderRungs - 1) * StageCost.Rescaling(o, o.Temperatures.Count),
                (p, ct) => RescalingStage.Ladder(c, p, ct)));
        for (int level = 0; level <= o.Levels; level++)
        {
            int size = o.SizeAt(level);
            stages.Add(new Stage(ReferenceStage(size), "reference", level, null, StageCost.Reference(o, grid.Length, size),
                (p, ct) => ReferenceCurveStage.Run(c, size, grid, p, ct).ToJson()));
        }
        foreach (double t in o.Temperatures)
        {
            for (int rung = 1; rung <= o.LadderRungs; rung++)
            {
                int r = rung;
                stages.Add(new Stage(DataStage(t, rung), "data", 0, t, StageCost.InputData(o), (p, ct) => InputDataStage.Run(c, t, r, p, ct).ToJson(),
                    [run?.InputDataPath(b, t, rung)]));
            }
            for (int level = 1; level <= o.Levels; level++)
            {
                int inputSize = o.SizeAt(level - 1), size = o.SizeAt(level);
                int lvl = level;
                stages.Add(new Stage(TrainStage(t, inputSize), "train", level, t, StageCost.Training(o, level),
                    (p, ct) => TrainingStage.Run(c, t, lvl, p, ct).ToJson(), [run?.CheckpointPath(inputSize, t)]));
                stages.Add(new Stage(SampleStage(t, size), "sample", level, t, StageCost.Sampling(o, level),
                    (p, ct) => SamplingStage.Run(c, t, lvl, p, ct).ToJson(), [run?.SamplesPath(size, t), run?.LatentPath(size, t)]));
                if (level < o.Levels)
                    stages.Add(new Stage(GenerateStage(t, size), "generate", level, t, StageCost.Generation(o, level),
                        (p, ct) => GenerationStage.Run(c, t, lvl, p, ct).ToJson(), [run?.GeneratedDataPath(size, t)]));
            }
        }
        return stages;
    }
}
