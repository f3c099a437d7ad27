using System.Text.Json.Nodes;
using SpinFlow.SuperResolution;

namespace SpinFlow.IO;

/// <summary>
/// What a training run stores with its checkpoint, typed: progress (step, losses, per-step history), the physical setting
/// (T_x, T_ξ, lattice sizes, the bound), the schedule a resumed run repeats (seed, batch, γ, γ-steps) and the identity of
/// the training data. It is read from and written to the fields of <see cref="CheckpointMetadata"/> under the keys every
/// format version has used, so older checkpoints read and older builds read these. Absent values are null.
/// </summary>
public sealed record TrainingMetadata
{
    /// <summary>The trainer that wrote the run: "superres-reverse-kl" or "nnrg-reverse-kl".</summary>
    public string? Trainer { get; init; }
    /// <summary>Training steps done.</summary>
    public long Step { get; init; }
    /// <summary>Loss after each step.</summary>
    public IReadOnlyList<double> LossHistory { get; init; } = [];
    /// <summary>Output temperature T_x of the target.</summary>
    public double? Temperature { get; init; }
    /// <summary>Temperature T_ξ of the input data set of a super-resolution flow.</summary>
    public double? InputTemperature { get; init; }
    /// <summary>Side of the lattice the flow generates.</summary>
    public int? OutputSize { get; init; }
    /// <summary>Input side L of a super-resolution flow; null for a latent without an input configuration (NNRG).</summary>
    public int? InputSize { get; init; }
    /// <summary>Seed of the run (step k draws from stream (seed, k)).</summary>
    public ulong? Seed { get; init; }
    /// <summary>Samples per step.</summary>
    public int? Batch { get; init; }
    /// <summary>Weight γ of the magnetisation-matching term.</summary>
    public double? Gamma { get; init; }
    /// <summary>Steps during which γ applies.</summary>
    public long? GammaSteps { get; init; }
    /// <summary>−ln Z_x per site of the output lattice: the loss's lower bound.</summary>
    public double? BoundPerSite { get; init; }
    /// <summary>Per-step record of the run.</summary>
    public TrainingHistory? History { get; init; }
    /// <summary>Identity of the training data set.</summary>
    public TrainingDataIdentity? Data { get; init; }
    /// <summary>The spin model trained on ("clock:4", "xy"); null for Ising, which writes no key, so that Ising checkpoints keep their bytes.</summary>
    public string? Model { get; init; }
    /// <summary><see cref="Model"/> parsed; null when absent (Ising). An unknown name is an <see cref="InvalidDataException"/>.</summary>
    public Lattice.SpinModel? SpinModel
    {
        get
        {
            if (Model is null) return null;
            try { return Lattice.SpinModel.Parse(Model); }
            catch (Exception e) when (e is ArgumentException or FormatException) { throw new InvalidDataException($"checkpoint records an unknown model '{Model}'"); }
        }
    }

    // The keys of the file format (metadata.temperatures, metadata.sizes, metadata.extra), unchanged since version 1.
    private const string OutputKey = "output", InputKey = "input", TemperatureKey = "x", InputTemperatureKey = "xi";

    /// <summary>The checkpoint fields that hold this record.</summary>
    public CheckpointMetadata ToCheckpointMetadata()
    {
        var temperatures = new Dictionary<string, double>();
        if (Temperature is double t) temperatures[TemperatureKey] = t;
        if (InputTemperature is double tXi) temperatures[InputTemperatureKey] = tXi;
        var sizes = new Dictionary<string, int>();
        if (InputSize is int input) sizes[InputKey] = input;
        if (OutputSize is int output) sizes[OutputKey] = output;
        var extra = new JsonObject();
        if (Trainer is not null) extra["trainer"] = Trainer;
        if (Seed is ulong seed) extra["seed"] = seed;
        if (Batch is int batch) extra["batch"] = batch;
        if (Gamma is double gamma) extra["gamma"] = gamma;
        if (GammaSteps is long gammaSteps) extra["gamma_steps"] = gammaSteps;
        if (BoundPerSite is double bound) extra["bound_per_site"] = bound;
        if (History is not null) extra["history"] = History.ToJson();
        if (Data is not null) extra["data"] = Data.ToJson();
        if (Model is not null) extra["model"] = Model;
        return new CheckpointMetadata { Step = Step, LossHistory = LossHistory.ToArray(), Temperatures = temperatures, Sizes = sizes,
            Extra = extra.Count > 0 ? extra : null };
    }

    /// <summary>
    /// Reads the record from checkpoint metadata; absent or mistyped scalars are null, a malformed history or data identity
    /// is an <see cref="InvalidDataException"/>.
    /// </summary>
    public static TrainingMetadata Read(CheckpointMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var extra = metadata.Extra;
        return new TrainingMetadata
        {
            Trainer = Scalar<string>(extra, "trainer"),
            Step = metadata.Step,
            LossHistory = metadata.LossHistory,
            Temperature = metadata.Temperatures.TryGetValue(TemperatureKey, out double t) ? t : null,
            InputTemperature = metadata.Temperatures.TryGetValue(InputTemperatureKey, out double tXi) ? tXi : null,
            OutputSize = metadata.Sizes.TryGetValue(OutputKey, out int output) ? output : null,
            InputSize = metadata.Sizes.TryGetValue(InputKey, out int input) ? input : null,
            Seed = Number<ulong>(extra, "seed"),
            Batch = Number<int>(extra, "batch"),
            Gamma = Number<double>(extra, "gamma"),
            GammaSteps = Number<long>(extra, "gamma_steps"),
            BoundPerSite = Number<double>(extra, "bound_per_site"),
            History = extra?["history"] is JsonNode h ? TrainingHistory.FromJson(h) : null,
            Data = extra?["data"] is JsonNode d ? TrainingDataIdentity.FromJson(d) : null,
            Model = Scalar<string>(extra, "model"),
        };
    }

    private static T? Number<T>(JsonObject? extra, string key) where T : struct =>
        extra?[key] is JsonValue v && v.TryGetValue(out T value) ? value : null;

    private static T? Scalar<T>(JsonObject? extra, string key) where T : class =>
        extra?[key] is JsonValue v && v.TryGetValue(out T? value) ? value : null;
}
