using System.Text.Json.Nodes;

namespace SpinFlow.IO;

/// <summary>
/// Typed reads of JSON fields, the one place every stored document (checkpoints, stage records, results) is read
/// through: required fields with a clear <see cref="InvalidDataException"/>, optional numbers as NaN.
/// </summary>
public static class JsonFields
{
    /// <summary>The field, or an error naming it.</summary>
    public static JsonNode Required(JsonObject o, string name) =>
        o[name] ?? throw new InvalidDataException($"missing field '{name}'");

    /// <summary>A required integer.</summary>
    public static int Int(JsonObject o, string name)
    {
        try { return Required(o, name).GetValue<int>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"field '{name}' must be an integer"); }
    }

    /// <summary>A required integer.</summary>
    public static long Long(JsonObject o, string name)
    {
        try { return Required(o, name).GetValue<long>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"field '{name}' must be an integer"); }
    }

    /// <summary>A required number.</summary>
    public static double Double(JsonObject o, string name)
    {
        try { return Required(o, name).GetValue<double>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"field '{name}' must be a number"); }
    }

    /// <summary>A required boolean.</summary>
    public static bool Bool(JsonObject o, string name)
    {
        try { return Required(o, name).GetValue<bool>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"field '{name}' must be true or false"); }
    }

    /// <summary>A required string.</summary>
    public static string String(JsonObject o, string name)
    {
        try { return Required(o, name).GetValue<string>(); }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        { throw new InvalidDataException($"field '{name}' must be a string"); }
    }

    /// <summary>A JSON number, or NaN for null, missing or not a number (how non-finite values are stored).</summary>
    public static double Number(JsonNode? node) => node is JsonValue v && v.TryGetValue(out double d) ? d : double.NaN;

    /// <summary>{"mean","error","tau"} back to an <see cref="Statistics.Estimate"/> (missing parts NaN).</summary>
    public static Statistics.Estimate Estimate(JsonNode? node) => new(Number(node?["mean"]), Number(node?["error"]), Number(node?["tau"]));
}
