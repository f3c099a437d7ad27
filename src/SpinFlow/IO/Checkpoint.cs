using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.Training;

namespace SpinFlow.IO;

/// <summary>
/// User metadata stored with a checkpoint: training progress and physical settings. A training run's fields are read and
/// written through <see cref="TrainingMetadata"/>, not by key.
/// </summary>
public sealed record CheckpointMetadata
{
    /// <summary>Training steps done.</summary>
    public long Step { get; init; }
    /// <summary>Loss after each logged step (NaN is stored as null).</summary>
    public IReadOnlyList<double> LossHistory { get; init; } = [];
    /// <summary>Named temperatures, e.g. "x" (target) and "xi" (input of a super-resolution flow).</summary>
    public IReadOnlyDictionary<string, double> Temperatures { get; init; } = new Dictionary<string, double>();
    /// <summary>Named lattice sizes, e.g. "input" and "output".</summary>
    public IReadOnlyDictionary<string, int> Sizes { get; init; } = new Dictionary<string, int>();
    /// <summary>Anything else, kept as JSON.</summary>
    public JsonObject? Extra { get; init; }
}

/// <summary>
/// A saved flow: format version, architecture, lattice size, all parameters, optional Adam state and user metadata,
/// in one JSON file (arrays as base64 little-endian float32 with a SHA-256, so values round-trip bit for bit). Version 2
/// adds a SHA-256 of the whole document (every field read back, metadata included), so an edited or damaged file is
/// refused rather than continued; version 1 files (array checksums only) are still read.
/// </summary>
public sealed class Checkpoint
{
    /// <summary>Value of the "format" field.</summary>
    public const string FormatName = "spinflow-checkpoint";
    /// <summary>Current format version (2: whole-document checksum).</summary>
    public const int FormatVersion = 2;
    /// <summary>The oldest format version still read (1: array checksums only).</summary>
    public const int OldestFormatVersion = 1;
    private const string ChecksumField = "checksum";
    private const string ChecksumPrefix = "sha256:";

    /// <summary>The flow's architecture.</summary>
    public FlowArchitecture Architecture { get; }
    /// <summary>Lattice size the flow was saved at.</summary>
    public int Size { get; }
    /// <summary>All parameters (flat layout of <see cref="Flow.Parameters"/>).</summary>
    public float[] Parameters { get; }
    /// <summary>Optimiser settings and state, or null.</summary>
    public AdamState? Optimizer { get; }
    /// <summary>User metadata.</summary>
    public CheckpointMetadata Metadata { get; }
    /// <summary>True when the whole document was covered by a checksum (format version 2 on); a version-1 file's metadata is unverified.</summary>
    public bool Verified { get; private init; } = true;

    /// <summary>Adam settings, step count and moments.</summary>
    public sealed record AdamState(AdamOptions Options, long Step, float[] FirstMoment, float[] SecondMoment);

    private Checkpoint(FlowArchitecture architecture, int size, float[] parameters, AdamState? optimizer, CheckpointMetadata metadata)
    {
        Architecture = architecture;
        Size = size;
        Parameters = parameters;
        Optimizer = optimizer;
        Metadata = metadata;
    }

    /// <summary>Snapshot (copies) of a flow, optionally its optimiser, and metadata.</summary>
    public static Checkpoint Capture(Flow flow, Adam? optimizer = null, CheckpointMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (optimizer is not null && optimizer.ParameterCount != flow.ParameterCount)
            throw new ArgumentException($"optimiser holds {optimizer.ParameterCount} parameters, the flow {flow.ParameterCount}", nameof(optimizer));
        var state = optimizer is null ? null : new AdamState(optimizer.Options, optimizer.Step, optimizer.FirstMoment.ToArray(), optimizer.SecondMoment.ToArray());
        return new Checkpoint(flow.Architecture, flow.Size, (float[])flow.Parameters.Clone(), state, metadata ?? new CheckpointMetadata());
    }

    /// <summary>
    /// A new flow with these parameters at lattice size <paramref name="size"/> (default: the saved size). Another size is
    /// transfer learning; it fails with <see cref="InvalidDataException"/> when the parameter count would change.
    /// </summary>
    public Flow CreateFlow(int? size = null)
    {
        int l = size ?? Size;
        try { Architecture.ValidateSize(l); }
        catch (ArgumentException e) { throw new InvalidDataException($"checkpoint cannot be used at L = {l}: {e.Message.Split(" (Parameter")[0]}"); }
        int expected = Architecture.ParameterCount(l);
        if (expected != Parameters.Length)
            throw new InvalidDataException($"checkpoint {Describe(Architecture, Parameters.Length)} was saved at L = {Size}; at L = {l} this architecture has {expected} parameters");
        return new Flow(Architecture, l, (float[])Parameters.Clone());
    }

    /// <summary>
    /// Copies the parameters into an existing flow. The architectures must be equal and the parameter counts must
    /// agree; anything else is an <see cref="InvalidDataException"/> and leaves the flow untouched.
    /// </summary>
    public void LoadInto(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (!Architecture.Equals(flow.Architecture) || flow.ParameterCount != Parameters.Length)
            throw new InvalidDataException(
                $"checkpoint holds {Describe(Architecture, Parameters.Length)} (saved at L = {Size}), which does not match the target {Describe(flow.Architecture, flow.ParameterCount)} at L = {flow.Size}");
        Parameters.CopyTo(flow.Parameters, 0);
    }

    /// <summary>The saved optimiser (moments copied), or null when none was saved.</summary>
    public Adam? CreateOptimizer() => Optimizer is null ? null : Adam.Restore(Optimizer.Options, Optimizer.Step, Optimizer.FirstMoment, Optimizer.SecondMoment);

    private static string Describe(FlowArchitecture a, int count) => a switch
    {
        NnrgFlowOptions n => $"an nnrg flow ({n.Bijector}, n_repeat={n.Repeat}{(n.Depth is int d ? $", depth={d}" : "")}; {count} parameters)",
        SuperResolutionFlowOptions s => $"a superres flow ({s.Bijector}, {s.FineLayers} fine + {s.CoarseLayers} coarse layers; {count} parameters)",
        _ => $"a {a.Name} flow ({count} parameters)",
    };

    // ───────────────────────────── file format ─────────────────────────────

    /// <summary>Writes the checkpoint atomically (readers see the old file or the complete new one).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    /// <summary>The JSON document, ending with the checksum of everything before it.</summary>
    public JsonObject ToJson()
    {
        var root = Document();
        root[ChecksumField] = ChecksumPrefix + DocumentHash(root);
        return root;
    }

    // SHA-256 of the document's compact JSON without the checksum field. Hashing the re-parsed text makes the saved and
    // the loaded document hash alike (numbers and strings are written as the parser reads them back).
    private static string DocumentHash(JsonObject document)
    {
        var copy = (JsonObject)JsonNode.Parse(document.ToJsonString())!;
        copy.Remove(ChecksumField);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(copy.ToJsonString())));
    }

    private JsonObject Document()
    {
        var meta = new JsonObject
        {
            ["step"] = Metadata.Step,
            ["loss_history"] = ResultJson.Numbers(Metadata.LossHistory),
            ["temperatures"] = new JsonObject(Metadata.Temperatures.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
            ["sizes"] = new JsonObject(Metadata.Sizes.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        };
        if (Metadata.Extra is not null) meta["extra"] = Metadata.Extra.DeepClone();
        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = FormatVersion,
            ["architecture"] = Architecture.ToJson(),
            ["size"] = Size,
            ["parameter_count"] = Parameters.Length,
            ["parameters"] = EncodeArray(Parameters),
            ["optimizer"] = Optimizer is null ? null : new JsonObject
            {
                ["kind"] = "adam",
                ["learning_rate"] = Optimizer.Options.LearningRate,
                ["beta1"] = Optimizer.Options.Beta1,
                ["beta2"] = Optimizer.Options.Beta2,
                ["epsilon"] = Optimizer.Options.Epsilon,
                ["weight_decay"] = Optimizer.Options.WeightDecay,
                ["decoupled_weight_decay"] = Optimizer.Options.DecoupledWeightDecay,
                ["step"] = Optimizer.Step,
                ["first_moment"] = EncodeArray(Optimizer.FirstMoment),
                ["second_moment"] = EncodeArray(Optimizer.SecondMoment),
            },
            ["metadata"] = meta,
        };
        return root;
    }

    /// <summary>Reads a checkpoint; a missing, corrupt or foreign file is an <see cref="InvalidDataException"/> (or <see cref="IOException"/>).</summary>
    public static Checkpoint Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"checkpoint not found: {path}", path);
        JsonNode? node;
        try { node = JsonNode.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a JSON checkpoint ({e.Message})"); }
        try { return FromJson(node); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
    }

    /// <summary>Parses the JSON document written by <see cref="ToJson"/>.</summary>
    public static Checkpoint FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("checkpoint: expected a JSON object");
        if (o["format"]?.GetValueKind() != JsonValueKind.String || JsonFields.String(o, "format") != FormatName)
            throw new InvalidDataException($"not a SpinFlow checkpoint (format field is not '{FormatName}')");
        int version = JsonFields.Int(o, "version");
        if (version < OldestFormatVersion || version > FormatVersion)
            throw new InvalidDataException($"checkpoint format version {version} is not supported (this build reads versions {OldestFormatVersion} to {FormatVersion})");
        // Version 1 had no whole-document checksum; a version-1 file that carries one, or carries the training-data
        // identity that only version 2 writes, is a later file whose version was edited down.
        if (version < 2 && o["metadata"]?["extra"]?["data"] is not null)
            throw new InvalidDataException("checkpoint is corrupt or was edited: it says format version 1 but holds fields only version 2 writes");
        if (version >= 2 || o[ChecksumField] is not null)
        {
            string stored = o[ChecksumField] is JsonValue c && c.TryGetValue(out string? text) ? text : "";
            if (!stored.StartsWith(ChecksumPrefix, StringComparison.Ordinal))
                throw new InvalidDataException($"checkpoint has no '{ChecksumField}' field (version {version} files carry a SHA-256 of their contents)");
            if (!string.Equals(stored[ChecksumPrefix.Length..], DocumentHash(o), StringComparison.Ordinal))
                throw new InvalidDataException("checkpoint is corrupt or was edited: the SHA-256 of its contents does not match its checksum");
        }
        var arch = FlowArchitecture.FromJson(o["architecture"]);
        int size = JsonFields.Int(o, "size");
        try { arch.ValidateSize(size); }
        catch (ArgumentException e) { throw new InvalidDataException($"checkpoint size {size}: {e.Message.Split(" (Parameter")[0]}"); }
        int count = JsonFields.Int(o, "parameter_count");
        int expected = arch.ParameterCount(size);
        if (count != expected) throw new InvalidDataException($"checkpoint declares {count} parameters but its architecture has {expected} at L = {size}");
        float[] parameters = DecodeArray(o["parameters"], count, "parameters");

        AdamState? adam = null;
        if (o["optimizer"] is JsonObject a)
        {
            if (JsonFields.String(a, "kind") != "adam") throw new InvalidDataException($"unknown optimiser '{JsonFields.String(a, "kind")}'");
            AdamOptions options;
            try
            {
                options = new AdamOptions(JsonFields.Double(a, "learning_rate"), JsonFields.Double(a, "beta1"), JsonFields.Double(a, "beta2"),
                    JsonFields.Double(a, "epsilon"), JsonFields.Double(a, "weight_decay"), JsonFields.Bool(a, "decoupled_weight_decay"));
            }
            catch (ArgumentException e) { throw new InvalidDataException($"optimiser: {e.Message.Split(" (Parameter")[0]}"); }
            adam = new AdamState(options, JsonFields.Long(a, "step"), DecodeArray(a["first_moment"], count, "first_moment"), DecodeArray(a["second_moment"], count, "second_moment"));
        }

        var metadata = new CheckpointMetadata();
        if (o["metadata"] is JsonObject m)
        {
            try
            {
                metadata = ReadMetadata(m);
            }
            catch (Exception e) when (e is InvalidOperationException or FormatException)
            {
                throw new InvalidDataException($"metadata: {e.Message}");
            }
        }
        return new Checkpoint(arch, size, parameters, adam, metadata) { Verified = version >= 2 };
    }

    private static CheckpointMetadata ReadMetadata(JsonObject m) =>
            new CheckpointMetadata
            {
                Step = m["step"] is null ? 0 : JsonFields.Long(m, "step"),
                LossHistory = m["loss_history"] is JsonArray h ? h.Select(v => v is null ? double.NaN : v.GetValue<double>()).ToArray() : [],
                Temperatures = m["temperatures"] is JsonObject t ? t.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>()) : new Dictionary<string, double>(),
                Sizes = m["sizes"] is JsonObject s ? s.ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<int>()) : new Dictionary<string, int>(),
                Extra = m["extra"] is JsonObject e ? (JsonObject)e.DeepClone() : null,
            };

    private static JsonObject EncodeArray(float[] values)
    {
        var bytes = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), values[i]);
        return new JsonObject
        {
            ["dtype"] = "float32-le",
            ["count"] = values.Length,
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            ["base64"] = Convert.ToBase64String(bytes),
        };
    }

    private static float[] DecodeArray(JsonNode? node, int count, string name)
    {
        if (node is not JsonObject o) throw new InvalidDataException($"'{name}' is missing");
        if (JsonFields.String(o, "dtype") != "float32-le") throw new InvalidDataException($"'{name}' has unsupported dtype '{JsonFields.String(o, "dtype")}'");
        if (JsonFields.Int(o, "count") != count) throw new InvalidDataException($"'{name}' holds {JsonFields.Int(o, "count")} values, expected {count}");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(JsonFields.String(o, "base64")); }
        catch (FormatException) { throw new InvalidDataException($"'{name}' is not valid base64"); }
        if (bytes.Length != 4 * count) throw new InvalidDataException($"'{name}' decodes to {bytes.Length} bytes, expected {4 * count}");
        if (!string.Equals(Convert.ToHexStringLower(SHA256.HashData(bytes)), JsonFields.String(o, "sha256"), StringComparison.Ordinal))
            throw new InvalidDataException($"'{name}' is corrupt (SHA-256 mismatch)");
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i));
        return values;
    }
}
