using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using SpinFlow.Training;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The record of a training stage: Flow_L of one level for one target temperature.</summary>
public sealed record TrainingRecord(double Temperature, int Level, int InputSize, int OutputSize, long Steps, int Batch, string Checkpoint,
    string? TransferFrom, double BoundPerSite, double[] LossPerSite, double KlPerSite)
{
    /// <summary>The JSON form stored in stages/train-*.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["temperature"] = Temperature,
        ["level"] = Level,
        ["input_size"] = InputSize,
        ["output_size"] = OutputSize,
        ["steps"] = Steps,
        ["batch"] = Batch,
        ["checkpoint"] = Checkpoint,
        ["transfer_from"] = TransferFrom,
        ["bound_per_site"] = ResultJson.Number(BoundPerSite),
        ["loss_per_site"] = new JsonArray(LossPerSite.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
        ["kl_per_site"] = ResultJson.Number(KlPerSite),
    };

    /// <summary>Reads a stored record (missing numbers are NaN).</summary>
    public static TrainingRecord FromJson(JsonObject node) => new(
        JsonFields.Number(node["temperature"]), (int)JsonFields.Number(node["level"]), (int)JsonFields.Number(node["input_size"]),
        (int)JsonFields.Number(node["output_size"]), (long)JsonFields.Number(node["steps"]), (int)JsonFields.Number(node["batch"]),
        node["checkpoint"]?.GetValue<string>() ?? "", node["transfer_from"]?.GetValue<string>(), JsonFields.Number(node["bound_per_site"]),
        node["loss_per_site"]?.AsArray().Select(JsonFields.Number).ToArray() ?? [], JsonFields.Number(node["kl_per_site"]));
}

/// <summary>
/// Training Flow_L of one level by reverse KL: level 1 on the input data from a new flow, every later level on what the stack
/// below generates, started from the flow below (transfer learning, paper §III D).
/// </summary>
internal static class TrainingStage
{
    public static TrainingRecord Run(StageContext c, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        var run = c.Run;
        int inputSize = o.SizeAt(level - 1);
        string dataPath = level == 1 ? run.InputDataPath(o.BaseSize, t) : run.GeneratedDataPath(inputSize, t);
        var (data, count, meta) = RelaxedConfigurationFile.Read(dataPath, o.Model.Name);
        if (meta.Size != inputSize) throw new InvalidDataException($"{dataPath} holds {meta.Size}×{meta.Size} configurations, expected {inputSize}×{inputSize}");
        int steps = level == 1 ? o.TrainSteps : o.TransferSteps;
        var trainerOptions = new FlowTrainerOptions(t, o.BatchAt(level), o.Gamma, level == 1 ? o.GammaSteps : 0, c.SeedOf(StageContext.TrainStream, t, level),
            Math.Max(10, steps / 10), new AdamOptions(o.LearningRate), o.Model);
        string ckpt = run.CheckpointPath(inputSize, t);
        // A stage interrupted half-way continues from its last checkpoint: same seed stream per step, so the same run.
        TrainingStart start = File.Exists(ckpt) ? new TrainingStart.Resume(IO.Checkpoint.Load(ckpt))
            : level == 1 ? new TrainingStart.New(SuperResolutionFlow.Create(inputSize, trainerOptions.Seed, o.Architecture))
            : new TrainingStart.Transfer(IO.Checkpoint.Load(run.CheckpointPath(o.SizeAt(level - 2), t)));
        var trainer = FlowTrainer.Start(start, new SuperResolutionLatent(new DataSetDistribution(data, count, inputSize, channels: o.Model.Components)), trainerOptions, c.Ranks);
        trainer.InputTemperature = meta.Temperature;
        // H(p_z) of the data set's relaxed model, where its ln Z is known exactly (Ising, clock:2, clock:4).
        var inputModel = RelaxedModels.Create(o.Model, meta.Size, meta.Temperature, meta.Shift);
        if (level == 1 && count >= 2 && FlowTrainer.HasLatentEntropy(inputModel))
            trainer.LatentEntropy = FlowTrainer.LatentEntropyOf(data, count, inputModel).Entropy;
        trainer.Flow.Threads = c.FlowThreads;
        long remaining = Math.Max(0, steps - trainer.Step);
        FlowTrainingStep last = default;
        // On cancellation the trainer saves the checkpoint at the last finished step before it throws.
        trainer.Run(remaining, c.Output(ckpt), r =>
        {
            last = r;
            progress.Report((double)r.Step / steps);
        }, cancellation: ct);
        double sites = (double)trainer.Flow.Size * trainer.Flow.Size;
        return new TrainingRecord(t, level, inputSize, trainer.Flow.Size, trainer.Step, o.BatchAt(level), c.Relative(ckpt),
            level == 1 ? null : c.Relative(run.CheckpointPath(o.SizeAt(level - 2), t)), trainer.BoundPerSite,
            trainer.LossHistory.Select(v => v / sites).ToArray(),
            trainer.LatentEntropy is null || remaining == 0 ? double.NaN : last.KlEstimate / sites);
    }
}
