using System.Diagnostics;
using System.Text.Json.Nodes;
using SpinFlow.Exact;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.IO;
using SpinFlow.MonteCarlo;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;
using SpinFlow.Training;

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
    private const ulong RescaleStream = 1, ReferenceStream = 2, DataStream = 3, TrainStream = 4, SampleStream = 5, GenerateStream = 6;

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
        using var run = RunFolder.Open(folder, PipelineJson.Settings(options), resume);
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
        var stages = new List<Stage>();
        int b = o.BaseSize;
        double[] grid = Grid(o);
        const double swSecondsPerSite = 12e-9, flowSecondsPerSite = 1.5e-6;
        stages.Add(new Stage(RescaleStage, "rescale", 0, null, grid.Length * (o.RescaleSweeps * 1.1 + 100) * 4.0 * b * b * swSecondsPerSite * 1.5,
            (p, ct) => Rescale(o, grid, p, ct)));
        if (o.LadderRungs > 1)
            stages.Add(new Stage(LadderStage, "rescale", 0, null, (o.LadderRungs - 1) * o.Temperatures.Count * (o.RescaleSweeps * 1.1 + 100) * 4.0 * b * b * swSecondsPerSite * 1.5,
                (p, ct) => Ladder(o, run!, p, ct)));
        for (int level = 0; level <= o.Levels; level++)
        {
            int size = o.SizeAt(level);
            stages.Add(new Stage(ReferenceStage(size), "reference", level, null, grid.Length * o.ReferenceSweeps * 1.1 * size * size * swSecondsPerSite,
                (p, ct) => Reference(o, size, grid, p, ct)));
        }
        foreach (double t in o.Temperatures)
        {
            for (int rung = 1; rung <= o.LadderRungs; rung++)
            {
                int r = rung;
                stages.Add(new Stage(DataStage(t, rung), "data", 0, t, o.DataSamples * b * b * 100e-9 + 0.5, (p, ct) => Data(o, run!, t, r, p, ct),
                    [run?.InputDataPath(b, t, rung)]));
            }
            double stackSites = 0;
            for (int level = 1; level <= o.Levels; level++)
            {
                int inputSize = o.SizeAt(level - 1), size = o.SizeAt(level);
                int lvl = level;
                stackSites += (double)size * size;
                double flowFactor = (o.Architecture.Bijector.Equivariant ? 2 : 1) * o.Architecture.ParameterCount(size) / 38400.0;
                int steps = level == 1 ? o.TrainSteps : o.TransferSteps;
                stages.Add(new Stage(TrainStage(t, inputSize), "train", level, t, steps * o.BatchAt(level) * (double)size * size * flowSecondsPerSite * flowFactor,
                    (p, ct) => Train(o, run!, t, lvl, p, ct), [run?.CheckpointPath(inputSize, t)]));
                stages.Add(new Stage(SampleStage(t, size), "sample", level, t,
                    (o.WarmUpAt(level) + o.TrajectoriesAt(level)) * (o.LeapfrogSteps + 1.0) * o.Chains * stackSites * flowSecondsPerSite * flowFactor,
                    (p, ct) => Sample(o, run!, t, lvl, p, ct), [run?.SamplesPath(size, t), run?.LatentPath(size, t)]));
                if (level < o.Levels)
                    stages.Add(new Stage(GenerateStage(t, size), "generate", level, t, o.GeneratedSamples * stackSites * flowSecondsPerSite * flowFactor * 0.3,
                        (p, ct) => Generate(o, run!, t, lvl, p, ct), [run?.GeneratedDataPath(size, t)]));
            }
        }
        return stages;
    }

    private static ulong SeedOf(PipelineOptions o, ulong stream, double t = 0, int level = 0) =>
        Randomness.Xoshiro256.ForStream(o.Seed ^ (stream << 56), (ulong)BitConverter.DoubleToInt64Bits(t) ^ ((ulong)level << 48)).NextUInt64();

    private static int FlowThreads(PipelineOptions o) => o.Threads == 0 ? Environment.ProcessorCount : o.Threads;

    // ───────────────────────────── stages ─────────────────────────────

    private static JsonObject Rescale(PipelineOptions o, double[] grid, IProgress<double> progress, CancellationToken ct)
    {
        var options = new TemperatureRescalingOptions(2 * o.BaseSize, grid, o.RescaleSweeps, Math.Max(100, o.RescaleSweeps / 10), SeedOf(o, RescaleStream));
        var result = TemperatureRescaling.Run(options, progress, -1, ct);
        var record = PipelineJson.Rescaling(result);
        var targets = new JsonArray();
        foreach (double t in o.Temperatures)
        {
            var r = result.TXiAt(t);
            if (!double.IsFinite(r.TXi))
                throw new InvalidOperationException($"temperature rescaling cannot invert at T_x = {t}: the blocked energy lies outside the range of the {o.BaseSize}×{o.BaseSize} lattice");
            targets.Add(new JsonObject { ["temperature"] = t, ["t_xi"] = r.TXi, ["t_xi_error"] = ResultJson.Number(r.Error) });
        }
        record["targets"] = targets;
        return record;
    }

    private static JsonObject Reference(PipelineOptions o, int size, double[] grid, IProgress<double> progress, CancellationToken ct)
    {
        var points = new JsonObject[grid.Length];
        int done = 0;
        Parallel.For(0, grid.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var mc = new McmcOptions(size, grid[i], SpinAlgorithm.SwendsenWang, o.ReferenceSweeps, Math.Max(100, o.ReferenceSweeps / 10), 1,
                SeedOf(o, ReferenceStream, grid[i], size));
            var r = MarkovChainRun.Run(mc, cancellation: ct);
            points[i] = new JsonObject
            {
                ["temperature"] = grid[i],
                ["sweeps"] = o.ReferenceSweeps,
                ["observables"] = ResultJson.Observables(r.Observables),
                ["exact_energy"] = KaufmanSolution.Compute(size, grid[i]).Energy,
            };
            progress.Report((double)Interlocked.Increment(ref done) / grid.Length);
        });
        return new JsonObject { ["size"] = size, ["algorithm"] = "sw", ["points"] = new JsonArray(points) };
    }

    /// <summary>
    /// Rungs 2…Levels of the input ladder: R^k(T) = R(R^(k−1)(T)), each step a rescaling run (same lattice and sweeps as
    /// the grid run) at exactly the previous rung's temperatures, so no interpolation enters.
    /// </summary>
    private static JsonObject Ladder(PipelineOptions o, RunFolder run, IProgress<double> progress, CancellationToken ct)
    {
        var temps = o.Temperatures.ToArray();
        var ladder = temps.Select(t => new List<(double TXi, double Error)> { (InputTemperature(run, t), InputTemperatureError(run, t)) }).ToArray();
        var rounds = new JsonArray();
        for (int rung = 2; rung <= o.LadderRungs; rung++)
        {
            var previous = ladder.Select(l => l[^1].TXi).ToArray();
            var grid = previous.Distinct().Order().ToArray();
            var options = new TemperatureRescalingOptions(2 * o.BaseSize, grid, o.RescaleSweeps, Math.Max(100, o.RescaleSweeps / 10), SeedOf(o, RescaleStream, 0, rung));
            int done = rung - 2;
            var result = TemperatureRescaling.Run(options, new InlineProgress(f => progress.Report((done + f) / (o.LadderRungs - 1))), -1, ct);
            for (int i = 0; i < temps.Length; i++)
            {
                var r = result.TXiAt(previous[i]);
                if (!double.IsFinite(r.TXi))
                    throw new InvalidOperationException($"input ladder: rescaling cannot invert at T_x = {previous[i]:G6} (rung {rung} of T = {temps[i]}): " +
                        $"the blocked energy lies outside the range of the {o.BaseSize}×{o.BaseSize} lattice");
                ladder[i].Add((r.TXi, r.Error));
            }
            rounds.Add(PipelineJson.Rescaling(result));
        }
        var targets = new JsonArray();
        for (int i = 0; i < temps.Length; i++)
            targets.Add(new JsonObject
            {
                ["temperature"] = temps[i],
                ["t_xi"] = ResultJson.Numbers(ladder[i].Select(l => l.TXi)),
                // The error of each step's own inversion; the spread of the rung below is not carried (the rung only picks the start).
                ["t_xi_error"] = ResultJson.Numbers(ladder[i].Select(l => l.Error)),
            });
        return new JsonObject { ["rungs"] = o.LadderRungs, ["targets"] = targets, ["rounds"] = rounds };
    }

    private static double InputTemperature(RunFolder run, double t) => RescaleTarget(run, t)["t_xi"]!.GetValue<double>();

    private static double InputTemperatureError(RunFolder run, double t) => PipelineJson.Double(RescaleTarget(run, t)["t_xi_error"]);

    private static JsonNode RescaleTarget(RunFolder run, double t)
    {
        foreach (var node in run.Load(RescaleStage)["targets"]!.AsArray())
            if (node!["temperature"]!.GetValue<double>() == t) return node;
        throw new InvalidDataException($"the rescaling record has no entry for T = {t}");
    }

    /// <summary>T_ξ at rung <paramref name="rung"/> of the input ladder for target T (rung 1: the rescaled temperature).</summary>
    private static double InputTemperature(RunFolder run, double t, int rung)
    {
        if (rung == 1) return InputTemperature(run, t);
        foreach (var node in run.Load(LadderStage)["targets"]!.AsArray())
            if (node!["temperature"]!.GetValue<double>() == t) return node["t_xi"]![rung - 1]!.GetValue<double>();
        throw new InvalidDataException($"the input-ladder record has no entry for T = {t}");
    }

    private static JsonObject Data(PipelineOptions o, RunFolder run, double t, int rung, IProgress<double> progress, CancellationToken ct)
    {
        double tXi = InputTemperature(run, t, rung);
        int b = o.BaseSize, n = b * b;
        // Rung 1 keeps the stream of a run without a ladder, so both write the same data set.
        var options = new RelaxedOptions { Size = b, Temperature = tXi, Samples = o.DataSamples, Chains = 8, Seed = SeedOf(o, DataStream, t, rung == 1 ? 0 : rung) };
        var store = new float[(long)((o.DataSamples + 7) / 8 * 8) * n];
        long saved = 0;
        var result = RelaxedRun.Run(options, progress, (_, x) =>
        {
            for (int k = 0; k < n; k++) store[saved * n + k] = (float)x[k];
            saved++;
        }, ct);
        string path = run.InputDataPath(b, t, rung);
        RelaxedConfigurationFile.Write(path, store, (int)saved,
            new RelaxedConfigurationMetadata(b, tXi, result.Shift, "exact", options.Seed, options.Chains));
        return new JsonObject
        {
            ["temperature"] = t,
            ["t_xi"] = tXi,
            ["rung"] = rung,
            ["size"] = b,
            ["samples"] = saved,
            ["path"] = Path.GetRelativePath(run.Root, path),
            ["observables"] = ResultJson.Observables(result.Observables),
        };
    }

    private static JsonObject Train(PipelineOptions o, RunFolder run, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        int inputSize = o.SizeAt(level - 1);
        string dataPath = level == 1 ? run.InputDataPath(o.BaseSize, t) : run.GeneratedDataPath(inputSize, t);
        var (data, count, meta) = RelaxedConfigurationFile.Read(dataPath);
        if (meta.Size != inputSize) throw new InvalidDataException($"{dataPath} holds {meta.Size}×{meta.Size} configurations, expected {inputSize}×{inputSize}");
        int steps = level == 1 ? o.TrainSteps : o.TransferSteps;
        var trainerOptions = new FlowTrainerOptions(t, o.BatchAt(level), o.Gamma, level == 1 ? o.GammaSteps : 0, SeedOf(o, TrainStream, t, level),
            Math.Max(10, steps / 10), new AdamOptions(o.LearningRate));
        string ckpt = run.CheckpointPath(inputSize, t);
        // A stage interrupted half-way continues from its last checkpoint: same seed stream per step, so the same run.
        // Level 1 starts a new flow; later levels start from the level below (transfer learning).
        TrainingStart start = File.Exists(ckpt) ? new TrainingStart.Resume(Checkpoint.Load(ckpt))
            : level == 1 ? new TrainingStart.New(SuperResolutionFlow.Create(inputSize, trainerOptions.Seed, o.Architecture))
            : new TrainingStart.Transfer(Checkpoint.Load(run.CheckpointPath(o.SizeAt(level - 2), t)));
        var trainer = FlowTrainer.Start(start, new Latent.SuperResolutionLatent(new Latent.DataSetDistribution(data, count, inputSize)), trainerOptions);
        trainer.InputTemperature = meta.Temperature;
        if (level == 1 && count >= 2)
            trainer.LatentEntropy = FlowTrainer.LatentEntropyOf(data, count, new RelaxedIsing(meta.Size, meta.Temperature, meta.Shift)).Entropy;
        trainer.Flow.Threads = FlowThreads(o);
        long remaining = Math.Max(0, steps - trainer.Step);
        FlowTrainingStep last = default;
        // On cancellation the trainer saves the checkpoint at the last finished step before it throws.
        trainer.Run(remaining, ckpt, r =>
        {
            last = r;
            progress.Report((double)r.Step / steps);
        }, cancellation: ct);
        double sites = (double)trainer.Flow.Size * trainer.Flow.Size;
        return new JsonObject
        {
            ["temperature"] = t,
            ["level"] = level,
            ["input_size"] = inputSize,
            ["output_size"] = trainer.Flow.Size,
            ["steps"] = trainer.Step,
            ["batch"] = o.BatchAt(level),
            ["checkpoint"] = Path.GetRelativePath(run.Root, ckpt),
            ["transfer_from"] = level == 1 ? null : Path.GetRelativePath(run.Root, run.CheckpointPath(o.SizeAt(level - 2), t)),
            ["bound_per_site"] = trainer.BoundPerSite,
            ["loss_per_site"] = new JsonArray(trainer.LossHistory.Select(v => (JsonNode?)JsonValue.Create(v / sites)).ToArray()),
            ["kl_per_site"] = trainer.LatentEntropy is null || remaining == 0 ? null : ResultJson.Number(last.KlEstimate / sites),
        };
    }

    /// <summary>The trained stack Flow_B, Flow_2B, …, up to <paramref name="level"/> for target T.</summary>
    private static FlowStack LoadStack(PipelineOptions o, RunFolder run, double t, int level)
    {
        var flows = new List<Flow>();
        for (int k = 1; k <= level; k++) flows.Add(Checkpoint.Load(run.CheckpointPath(o.SizeAt(k - 1), t)).CreateFlow(o.SizeAt(k)));
        var stack = new FlowStack(flows) { Threads = FlowThreads(o) };
        return stack;
    }

    private static JsonObject Sample(PipelineOptions o, RunFolder run, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        int size = o.SizeAt(level);
        var (xi, _, meta) = RelaxedConfigurationFile.Read(run.InputDataPath(o.BaseSize, t, o.SampleRungAt(level)));
        var stack = LoadStack(o, run, t, level);
        var hmc = new HmcOptions { LeapfrogSteps = o.LeapfrogSteps, StepSize = 0.05, StepSizeJitter = 0.1 };
        int warmUp = o.WarmUpAt(level), trajectories = o.TrajectoriesAt(level);
        var options = new LatentHmcOptions(o.Chains, warmUp, trajectories, hmc, SeedOf(o, SampleStream, t, level), recordChains: true, massPerLevel: o.MassPerLevel,
            spinSweeps: o.SpinSweeps);
        var sampler = PipelineSampling.LatentHmc(stack, o.BaseSize, t, xi, new RelaxedIsing(meta.Size, meta.Temperature, meta.Shift), options);
        bool warm = o.WarmStart && level >= 2;
        var r = sampler.Run(progress, ct, warm ? WarmStartOf(o, run, t, level, options.Seed) : null);
        var hmcDetails = r.LatentHmc!;
        var exact = KaufmanSolution.Compute(size, t);
        string samplesPath = run.SamplesPath(size, t);
        RelaxedConfigurationFile.Write(samplesPath, r.FinalConfigurations, o.Chains,
            new RelaxedConfigurationMetadata(size, t, r.Shift, r.Method, options.Seed, o.Chains));
        RelaxedConfigurationFile.Write(run.LatentPath(size, t), Numerics.Precision.ToSingle(hmcDetails.FinalLatent), o.Chains,
            new RelaxedConfigurationMetadata(size, t, r.Shift, "latent-hmc-z", options.Seed, o.Chains));

        // Drift check: a chain still forgetting its start has halves that disagree beyond their (τ-corrected) errors.
        var measured = r.M2Trace.AsSpan(r.M2Trace.Length - trajectories);
        double chainError = ConvergenceDiagnostics.BetweenChainError(r.ChainM2Trace, o.Chains, trajectories);
        double drift = ConvergenceDiagnostics.DriftSigma(measured);
        var convergence = r.Convergence;
        // Per-step errors from the spread over the independent chains, for the convergence figure.
        var reference = ReferenceM2(run, size, t);
        var curve = ConvergenceCurve.Analyze(r.ChainM2Trace, o.Chains, reference, Math.Max(1, r.M2Trace.Length / 25));
        return new JsonObject
        {
            ["temperature"] = t,
            ["level"] = level,
            ["size"] = size,
            ["method"] = r.Method,
            ["start"] = warm ? "level below" : "p_z",
            ["t_xi"] = meta.Temperature,
            ["chains"] = o.Chains,
            ["warm_up"] = warmUp,
            ["trajectories"] = trajectories,
            ["leapfrog_steps"] = o.LeapfrogSteps,
            ["step_size"] = hmcDetails.StepSize,
            ["level_curvature"] = o.MassPerLevel ? ResultJson.Numbers(hmcDetails.LevelCurvature) : null,
            ["level_scale"] = o.MassPerLevel ? ResultJson.Numbers(hmcDetails.LevelScale) : null,
            ["spin_sweeps"] = o.SpinSweeps > 0 ? o.SpinSweeps : null,
            ["spin_acceptance"] = o.SpinSweeps > 0 ? ResultJson.Number(r.AcceptanceOf(LatentHmcSampler.SpinMove)!.Rate) : null,
            ["spin_move_round_trip"] = o.SpinSweeps > 0 ? ResultJson.Number(hmcDetails.SpinMoveRoundTrip) : null,
            ["acceptance"] = ResultJson.Number(r.Acceptance),
            ["start_weight_ess"] = ResultJson.Number(r.WeightEss),
            ["tau_int"] = new JsonObject { ["energy"] = ResultJson.Number(r.TauEnergy.Tau), ["m2"] = ResultJson.Number(r.TauM2.Tau) },
            ["drift_sigma"] = ResultJson.Number(drift),
            ["m2_between_chain_error"] = ResultJson.Number(chainError),
            ["energy_between_chain_error"] = ResultJson.Number(ConvergenceDiagnostics.BetweenChainError(r.ChainEnergyTrace, o.Chains, trajectories)),
            ["observables"] = ResultJson.Observables(r.Observables, convergence),
            ["converged"] = convergence.Verdict.Converged,
            ["warnings"] = ResultJson.Warnings(convergence.Verdict),
            ["exact_energy"] = exact.Energy,
            ["samples"] = Path.GetRelativePath(run.Root, samplesPath),
            ["m2_trace"] = ResultJson.Numbers(curve.Mean),
            ["m2_trace_error"] = ResultJson.Numbers(curve.Error),
            ["converged_step"] = curve.ConvergedStep,
        };
    }

    /// <summary>
    /// Starting latents of level <paramref name="level"/>: each chain's final z of the level below (its whole latent lattice,
    /// which the next flow takes as its input) with fresh N(0, 1) noises around it, laid out as the stack's prior lays out z.
    /// </summary>
    private static double[] WarmStartOf(PipelineOptions o, RunFolder run, double t, int level, ulong seed)
    {
        int below = o.SizeAt(level - 1);
        string path = run.LatentPath(below, t);
        var (zBelow, count, meta) = RelaxedConfigurationFile.Read(path);
        if (count != o.Chains || meta.Size != below)
            throw new InvalidDataException($"{path} holds {count} latents of {meta.Size}×{meta.Size}, expected {o.Chains} of {below}×{below}");
        var noise = new float[o.Chains * 3 * below * below];
        Randomness.Xoshiro256.ForStream(seed, 0x7761726DUL).FillGaussian(noise);
        var z = new float[o.Chains * 4 * below * below];
        SuperResolutionFlow.ComposeLatent(zBelow, noise, z, below);
        var start = new double[z.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(z, start);
        return start;
    }

    /// <summary>The Swendsen–Wang ⟨m²⟩ at (size, T) from the finished reference stage.</summary>
    private static Estimate ReferenceM2(RunFolder run, int size, double t)
    {
        foreach (var p in run.Load(ReferenceStage(size))["points"]!.AsArray())
            if (PipelineJson.Double(p!["temperature"]) == t) return PipelineJson.EstimateOf(p["observables"]!["m2"]);
        throw new InvalidDataException($"the {size}×{size} reference has no point at T = {t}");
    }

    private static JsonObject Generate(PipelineOptions o, RunFolder run, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        int size = o.SizeAt(level);
        var (xi, _, xiMeta) = RelaxedConfigurationFile.Read(run.InputDataPath(o.BaseSize, t, o.GenerateRungAt(level)));
        var stack = LoadStack(o, run, t, level);
        var x = PipelineSampling.Generate(stack, o.BaseSize, xi, o.GeneratedSamples, SeedOf(o, GenerateStream, t, level), progress, ct);
        string path = run.GeneratedDataPath(size, t);
        var model = new RelaxedIsing(size, t);
        RelaxedConfigurationFile.Write(path, x, o.GeneratedSamples, new RelaxedConfigurationMetadata(size, t, model.Shift, "flow", SeedOf(o, GenerateStream, t, level)));
        return new JsonObject
        {
            ["temperature"] = t,
            ["level"] = level,
            ["size"] = size,
            ["samples"] = o.GeneratedSamples,
            ["t_xi"] = xiMeta.Temperature,
            ["path"] = Path.GetRelativePath(run.Root, path),
        };
    }

    /// <summary>Adapts a callback to <see cref="IProgress{T}"/> without the synchronisation-context hop of <see cref="Progress{T}"/>.</summary>
    private sealed class InlineProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
