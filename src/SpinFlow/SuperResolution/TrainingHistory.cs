using System.Text.Json;
using System.Text.Json.Nodes;
using SpinFlow.IO;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Per-step record of a <see cref="FlowTrainer"/> run (loss, objective, spread, bound, KL estimate, magnetisations, γ), kept
/// as columns so that training curves can be drawn later; saved in checkpoints and as a JSON file of arrays. All values are
/// totals over the output lattice, as in <see cref="FlowTrainingStep"/>; NaN (e.g. m_in of the NNRG baseline) is written as null.
/// </summary>
public sealed class TrainingHistory
{
    /// <summary>Column names, in file order; each is a JSON array of the same length.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["step", "loss", "objective", "spread", "bound", "kl", "m_in", "m_ds", "abs_m_in", "abs_m_ds", "gamma"];

    private readonly List<double>[] _columns = Columns.Select(_ => new List<double>()).ToArray();

    /// <summary>Sites N of the output lattice, when known: divides the totals into the per-site values that plots show.</summary>
    public int? Sites { get; set; }

    /// <summary>Steps recorded.</summary>
    public int Count => _columns[0].Count;

    /// <summary>The values of column <paramref name="name"/> (one of <see cref="Columns"/>).</summary>
    public IReadOnlyList<double> this[string name]
    {
        get
        {
            int i = Columns.ToList().IndexOf(name);
            return i >= 0 ? _columns[i] : throw new KeyNotFoundException($"no history column '{name}'");
        }
    }

    /// <summary>Appends one step.</summary>
    public void Add(FlowTrainingStep s)
    {
        double[] row = [s.Step, s.Loss, s.Objective, s.Spread, s.Bound, s.KlEstimate, s.MagnetizationIn, s.MagnetizationBlocked,
            s.AbsMagnetizationIn, s.AbsMagnetizationBlocked, s.Gamma];
        for (int i = 0; i < row.Length; i++) _columns[i].Add(row[i]);
    }

    /// <summary>The columns as a JSON object of arrays.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject(Columns.Select((name, i) => KeyValuePair.Create(name,
            (JsonNode?)IO.ResultJson.Numbers(_columns[i]))));
        if (Sites is int n) o["sites"] = n;
        return o;
    }

    /// <summary>Reads <see cref="ToJson"/>'s output; a missing or malformed history is an <see cref="InvalidDataException"/>.</summary>
    public static TrainingHistory FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("training history is not a JSON object");
        var history = new TrainingHistory { Sites = o["sites"] is JsonValue n && n.TryGetValue(out int sites) ? sites : null };
        int length = -1;
        for (int i = 0; i < Columns.Count; i++)
        {
            if (o[Columns[i]] is not JsonArray a) throw new InvalidDataException($"training history lacks the '{Columns[i]}' array");
            if (length >= 0 && a.Count != length) throw new InvalidDataException("training history columns differ in length");
            length = a.Count;
            foreach (var v in a) history._columns[i].Add(v is null ? double.NaN : v.GetValue<double>());
        }
        return history;
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically (readers see the old file or the complete new one).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = false }) + "\n");
}
