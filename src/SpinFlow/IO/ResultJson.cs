using System.Text.Json;
using System.Text.Json.Nodes;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;

namespace SpinFlow.IO;

/// <summary>The stable JSON shapes that spinflow writes and later tools read.</summary>
public static class ResultJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>{"mean":..,"error":..,"tau":..}; non-finite numbers become null (JSON has no NaN).</summary>
    public static JsonObject Estimate(Estimate e) => new()
    {
        ["mean"] = Number(e.Mean),
        ["error"] = Number(e.Error),
        ["tau"] = Number(e.Tau),
    };

    /// <summary>The "observables" object: energy, m2, abs_m, specific_heat, susceptibility, binder.</summary>
    public static JsonObject Observables(IsingObservables o) => new()
    {
        ["energy"] = Estimate(o.Energy),
        ["m2"] = Estimate(o.M2),
        ["abs_m"] = Estimate(o.AbsM),
        ["specific_heat"] = Estimate(o.SpecificHeat),
        ["susceptibility"] = Estimate(o.Susceptibility),
        ["binder"] = Estimate(o.Binder),
    };

    /// <summary>One reference Monte Carlo run in the shape documented for <c>spinflow mcmc --json</c>.</summary>
    public static JsonObject Mcmc(McmcResult r) => new()
    {
        ["size"] = r.Options.Size,
        ["temperature"] = r.Options.Temperature,
        ["algorithm"] = SpinSamplers.Name(r.Options.Algorithm),
        ["sweeps"] = r.Options.Sweeps,
        ["thermalize"] = r.Options.Thermalize,
        ["measure_every"] = r.Options.MeasureEvery,
        ["seed"] = r.Options.Seed,
        ["measurements"] = r.Energy.Length,
        ["observables"] = Observables(r.Observables),
        ["spin_updates_per_ns"] = Number(r.SpinUpdatesPerNs),
        ["wall_seconds"] = Number(r.Elapsed.TotalSeconds),
    };

    /// <summary>Serialises with indentation.</summary>
    public static string ToText(JsonNode node) => node.ToJsonString(Indented) + "\n";

    /// <summary>Writes <paramref name="node"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, JsonNode node) => AtomicFile.WriteAllText(path, ToText(node));

    /// <summary>Reads a JSON object written by <see cref="Save"/>; missing is a <see cref="FileNotFoundException"/>, anything else unreadable an <see cref="InvalidDataException"/>.</summary>
    public static JsonObject Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} does not hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>A finite double as a JSON number, anything else as null.</summary>
    public static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>A series as a JSON array of <see cref="Number(double)"/>s (non-finite entries as null).</summary>
    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
