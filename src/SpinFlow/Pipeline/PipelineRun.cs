using System.Diagnostics;
using System.Text.Json.Nodes;
using SpinFlow.Distributed;
using SpinFlow.IO;
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
    // Message tags: rank 0's word to all ranks, a group's start; stage outcomes use their wave's number (far below these).
    private const int WordTag = 30000, ReadyTag = 30001;

    /// <param name="Outputs">Files the stage writes besides its record; a finished stage whose files have gone is run again.</param>
    /// <param name="Inputs">Stages whose records or files the stage reads (they run in earlier waves).</param>
    /// <param name="Shared">Whether a group of ranks can share the stage (its flow batches split over them).</param>
    private sealed record Stage(string Name, string Kind, int Level, double? Temperature, double Cost, Func<StageContext, IProgress<double>, CancellationToken, JsonObject> Body,
        string?[]? Outputs = null, string[]? Inputs = null, bool Shared = false);

    /// <summary>
    /// Runs (or, with <paramref name="resume"/>, continues) the pipeline in <paramref name="folder"/>. Finished stages are
    /// never redone; the report, results and figures are rewritten at the end from all stage records.
    /// </summary>
    public static PipelineSummary Run(PipelineOptions options, string folder, bool resume = false,
        IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var single = new SingleRank();
        return Run(options, folder, single, resume, progress, cancellation)!;
    }

    /// <summary>
    /// As <see cref="Run(PipelineOptions, string, bool, IProgress{PipelineProgress}?, CancellationToken)"/> spread over
    /// <paramref name="ranks"/> (called by every rank alike): the stages run in waves of independent stages, each placed
    /// by <see cref="RankPlan"/>; rank 0 alone opens, locks and writes the run folder (other ranks read it, so it must be
    /// on a file system they all see) and returns the summary; the other ranks return null. Every result is bit for bit
    /// the one-process result. An error of a stage run by one rank is raised on every rank (marked by
    /// <see cref="RankAgreement"/>) at the end of its wave; an error inside a stage shared by several ranks is not, and the
    /// caller must then stop the job (<see cref="IRanks.Abort"/>).
    /// </summary>
    public static PipelineSummary? Run(PipelineOptions options, string folder, IRanks ranks, bool resume = false,
        IProgress<PipelineProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(ranks);
        options.Validate();
        bool root = ranks.Rank == 0, alone = ranks.Size == 1;
        var clock = Stopwatch.StartNew();
        RunFolder? run = null;
        string? scratch = null;
        try
        {
            // Rank 0 opens (and locks) the folder and decides what is left to do; the others follow its word.
            var plan = Plan(options, null);
            int[] todo = [];
            var redone = new List<string>();
            StageFailure? failure = null;
            if (root)
            {
                try
                {
                    run = RunFolder.Open(folder, options.SettingsJson(), resume);
                    plan = Plan(options, run);
                    var left = new List<int>();
                    for (int i = 0; i < plan.Count; i++)
                    {
                        if (run.IsDone(plan[i].Name))
                        {
                            if ((plan[i].Outputs ?? []).All(File.Exists)) continue;
                            // Every stage is deterministic given the settings, so running it again restores exactly what was lost.
                            redone.Add(plan[i].Name);
                        }
                        left.Add(i);
                    }
                    todo = left.ToArray();
                }
                catch (Exception e) when (!alone)
                {
                    failure = StageFailure.Of(AtomicFile.Unwrap(e));
                }
            }
            if (!alone)
            {
                var word = new JsonObject
                {
                    ["todo"] = new JsonArray(todo.Select(i => (JsonNode?)i).ToArray()),
                    ["error"] = failure is null ? null : new JsonObject { ["kind"] = failure.Kind, ["message"] = failure.Message },
                };
                var told = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(ranks.GentleBroadcast(root ? System.Text.Encoding.UTF8.GetBytes(word.ToJsonString()) : null, WordTag)))!;
                if (told["error"] is JsonObject error) throw new StageFailure(error["kind"]!.GetValue<string>(), error["message"]!.GetValue<string>()).ToException();
                todo = told["todo"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
                if (!root)
                {
                    run = RunFolder.Existing(folder);
                    plan = Plan(options, run);
                    scratch = Directory.CreateTempSubdirectory($"spinflow-rank{ranks.Rank}-").FullName;
                }
            }
            var summary = RunWaves(options, run!, ranks, plan, todo, scratch, progress, clock, cancellation);
            if (!root) return null;
            var results = PipelineResults.Collect(options, run!);
            PipelineReport.Write(options, run!, results);
            var skipped = plan.Select(s => s.Name).Where(n => !todo.Select(i => plan[i].Name).Contains(n)).ToArray();
            return new PipelineSummary(run!, summary, skipped, results, clock.Elapsed) { Redone = redone };
        }
        finally
        {
            if (root) run?.Dispose();
            if (scratch is not null) try { Directory.Delete(scratch, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The stages <paramref name="todo"/> in waves; returns, on rank 0, the stages run in plan order of completion.</summary>
    private static List<string> RunWaves(PipelineOptions options, RunFolder run, IRanks world, List<Stage> plan, int[] todo, string? scratch,
        IProgress<PipelineProgress>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        var waves = Waves(plan);
        var placed = RankPlan.Assign(todo.Select(i => new PlannedStage(i, waves[i], plan[i].Cost, plan[i].Shared)).ToArray(), world.Size);
        var executed = new List<string>();
        double totalCost = plan.Sum(s => s.Cost), doneCost = plan.Sum(s => s.Cost) - todo.Sum(i => plan[i].Cost), spentCost = 0;
        int finished = plan.Count - todo.Length;
        bool root = world.Rank == 0;
        TimeSpan? Eta(double current)
        {
            // Seconds per unit of modelled cost, measured over what ran in this session, converts the rest to time.
            double ran = spentCost + current, now = clock.Elapsed.TotalSeconds;
            return ran > 0 && now > 1 ? TimeSpan.FromSeconds(now / ran * Math.Max(0, totalCost - doneCost - current)) : null;
        }
        void Finished(Stage stage)
        {
            executed.Add(stage.Name);
            doneCost += stage.Cost;
            spentCost += stage.Cost;
            finished++;
            progress?.Report(new PipelineProgress(stage.Name, stage.Kind, stage.Level, stage.Temperature, 1, finished - 1, plan.Count, clock.Elapsed, Eta(0), true));
        }

        foreach (var wave in placed)
        {
            // Every round's groups are formed up front (a split is collective), so ranks need not wait between rounds.
            var groups = wave.Rounds.Select(r => r.Grouped ? world.Split(r.GroupOf(world.Rank), world.Rank) : new SingleRank(world.Rank)).ToArray();
            var outcomes = new List<(int Index, StageOutcome Outcome)>();
            StageFailure? failure = null;
            try
            {
                for (int round = 0; round < wave.Rounds.Count; round++)
                {
                    var ranks = groups[round];
                    // Partners still busy with the singles would keep this rank spinning in the stage's first collective.
                    if (ranks.Size > 1) ranks.GentleBarrier(ReadyTag);
                    foreach (int index in wave.Rounds[round].Stages[wave.Rounds[round].GroupOf(world.Rank)])
                    {
                        var stage = plan[index];
                        if (failure is not null)
                        {
                            if (ranks.Rank == 0) outcomes.Add((index, new StageOutcome(stage.Name, null, [], null, Skipped: true)));
                            continue;
                        }
                        cancellation.ThrowIfCancellationRequested();
                        double before = clock.Elapsed.TotalSeconds;
                        var context = new StageContext(options, run, ranks, root ? null : scratch);
                        void Report(double f)
                        {
                            if (root) progress?.Report(new PipelineProgress(stage.Name, stage.Kind, stage.Level, stage.Temperature, f, finished, plan.Count, clock.Elapsed, Eta(f * stage.Cost)));
                        }
                        JsonObject record;
                        try
                        {
                            Report(0);
                            record = stage.Body(context, new InlineProgress(f => Report(f)), cancellation);
                        }
                        catch (Exception e) when (world.Size > 1 && ranks.Size == 1 && e is not OperationCanceledException)
                        {
                            // A stage run by one rank alone: its error reaches every rank at the end of the wave.
                            failure = StageFailure.Of(AtomicFile.Unwrap(e));
                            outcomes.Add((index, new StageOutcome(stage.Name, null, [], failure)));
                            continue;
                        }
                        record["stage"] = stage.Name;
                        record["kind"] = stage.Kind;
                        record["seconds"] = clock.Elapsed.TotalSeconds - before;
                        record["ranks"] = new JsonArray(ranks.WorldRanks.Select(r => (JsonNode?)r).ToArray());
                        if (root)
                        {
                            run.Save(stage.Name, record);
                            Finished(stage);
                        }
                        else
                        {
                            var files = (stage.Outputs ?? []).OfType<string>().Select(p => (Rel: context.Relative(p), Path: context.Output(p))).ToArray();
                            if (ranks.Rank == 0) outcomes.Add((index, new StageOutcome(stage.Name, record, files.Select(f => (f.Rel, File.ReadAllBytes(f.Path))).ToArray(), null)));
                            foreach (var f in files) File.Delete(f.Path);
                        }
                    }
                }
            }
            finally
            {
                foreach (var g in groups) g.Dispose();
            }
            if (world.Size == 1) continue;

            // The wave's end: leaders send rank 0 what they made, rank 0 writes it (files first, then the record) and
            // tells everyone whether the run goes on.
            // Each leader sends in plan order and rank 0 receives in plan order, so the messages of one leader come in the order expected.
            if (!root)
                foreach (var (_, o) in outcomes.OrderBy(o => o.Index)) world.SendMessage(o.Serialize(), 0, wave.Wave);
            if (root)
            {
                var own = outcomes.ToDictionary(o => o.Outcome.Stage, o => o.Outcome);
                foreach (int index in wave.AllStages)
                {
                    int leader = wave.LeaderOf(index);
                    var outcome = leader == 0 ? own.GetValueOrDefault(plan[index].Name) : StageOutcome.Deserialize(world.ReceiveMessage(leader, wave.Wave));
                    if (outcome is null) continue;
                    if (outcome.Error is not null) failure ??= outcome.Error;
                    if (outcome.Error is not null || outcome.Skipped || leader == 0) continue;
                    outcome.WriteInto(run);
                    Finished(plan[index]);
                }
            }
            var word = new JsonObject { ["error"] = failure is null ? null : new JsonObject { ["kind"] = failure.Kind, ["message"] = failure.Message } };
            var told = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(world.GentleBroadcast(root ? System.Text.Encoding.UTF8.GetBytes(word.ToJsonString()) : null, WordTag)))!;
            if (told["error"] is JsonObject error) throw new StageFailure(error["kind"]!.GetValue<string>(), error["message"]!.GetValue<string>()).ToException();
        }
        return executed;
    }

    /// <summary>Wave of every stage: 0 without inputs, otherwise one after the latest of its inputs.</summary>
    private static int[] Waves(List<Stage> plan)
    {
        var wave = new Dictionary<string, int>();
        var result = new int[plan.Count];
        for (int i = 0; i < plan.Count; i++)
        {
            // The plan lists every stage after its inputs.
            result[i] = (plan[i].Inputs ?? []).Select(n => wave[n] + 1).DefaultIfEmpty(0).Max();
            wave[plan[i].Name] = result[i];
        }
        return result;
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
        var stages = new List<Stage>();
        int b = o.BaseSize;
        double[] grid = Grid(o);
        stages.Add(new Stage(RescaleStage, "rescale", 0, null, StageCost.Rescaling(o, grid.Length), (c, p, ct) => RescalingStage.Run(c, grid, p, ct)));
        if (o.LadderRungs > 1)
            stages.Add(new Stage(LadderStage, "rescale", 0, null, (o.LadderRungs - 1) * StageCost.Rescaling(o, o.Temperatures.Count),
                (c, p, ct) => RescalingStage.Ladder(c, p, ct), Inputs: [RescaleStage]));
        for (int level = 0; level <= o.Levels; level++)
        {
            int size = o.SizeAt(level);
            stages.Add(new Stage(ReferenceStage(size), "reference", level, null, StageCost.Reference(o, grid.Length, size),
                (c, p, ct) => ReferenceCurveStage.Run(c, size, grid, p, ct).ToJson()));
        }
        foreach (double t in o.Temperatures)
        {
            for (int rung = 1; rung <= o.LadderRungs; rung++)
            {
                int r = rung;
                stages.Add(new Stage(DataStage(t, rung), "data", 0, t, StageCost.InputData(o), (c, p, ct) => InputDataStage.Run(c, t, r, p, ct).ToJson(),
                    [run?.InputDataPath(b, t, rung)], [rung == 1 ? RescaleStage : LadderStage]));
            }
            for (int level = 1; level <= o.Levels; level++)
            {
                int inputSize = o.SizeAt(level - 1), size = o.SizeAt(level);
                int lvl = level;
                var trained = Enumerable.Range(1, level).Select(k => TrainStage(t, o.SizeAt(k - 1))).ToArray();
                stages.Add(new Stage(TrainStage(t, inputSize), "train", level, t, StageCost.Training(o, level),
                    (c, p, ct) => TrainingStage.Run(c, t, lvl, p, ct).ToJson(), [run?.CheckpointPath(inputSize, t)],
                    level == 1 ? [DataStage(t, 1)] : [TrainStage(t, o.SizeAt(level - 2)), GenerateStage(t, inputSize)], Shared: true));
                string[] sampleInputs = [.. trained, DataStage(t, o.SampleRungAt(level)), ReferenceStage(size)];
                stages.Add(new Stage(SampleStage(t, size), "sample", level, t, StageCost.Sampling(o, level),
                    (c, p, ct) => SamplingStage.Run(c, t, lvl, p, ct).ToJson(), [run?.SamplesPath(size, t), run?.LatentPath(size, t)],
                    o.WarmStart && level >= 2 ? [.. sampleInputs, SampleStage(t, inputSize)] : sampleInputs, Shared: true));
                if (level < o.Levels)
                    stages.Add(new Stage(GenerateStage(t, size), "generate", level, t, StageCost.Generation(o, level),
                        (c, p, ct) => GenerationStage.Run(c, t, lvl, p, ct).ToJson(), [run?.GeneratedDataPath(size, t)],
                        [.. trained, DataStage(t, o.GenerateRungAt(level))], Shared: true));
            }
        }
        return stages;
    }
}
