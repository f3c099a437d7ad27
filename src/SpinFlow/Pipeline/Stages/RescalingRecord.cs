using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The JSON form of a rescaling run (stages/rescale.json and the ladder's rounds), from which Fig. 2 is redrawn.</summary>
public static class RescalingRecord
{
    /// <summary>A rescaling run with every grid point, enough to redraw Fig. 2.</summary>
    public static JsonObject ToJson(TemperatureRescalingResult r) => new()
    {
        ["size"] = r.Options.Size,
        ["samples"] = r.Options.Samples,
        ["thermalize"] = r.Options.Thermalize,
        ["seed"] = r.Options.Seed,
        ["points"] = new JsonArray(r.Points.Select(p => (JsonNode?)new JsonObject
        {
            ["temperature"] = p.Temperature,
            ["block_energy"] = ResultJson.Estimate(p.BlockEnergy),
            ["energy"] = ResultJson.Estimate(p.Energy),
            ["exact_energy"] = p.ExactEnergy,
            ["exact_half_energy"] = p.ExactHalfEnergy,
            ["t_xi"] = ResultJson.Number(p.TXi),
            ["t_xi_error"] = ResultJson.Number(p.TXiError),
            ["half_specific_heat_at_t_xi"] = ResultJson.Number(p.HalfSpecificHeatAtTXi),
        }).ToArray()),
    };

    /// <summary>Inverse of <see cref="ToJson(TemperatureRescalingResult)"/>.</summary>
    public static TemperatureRescalingResult FromJson(JsonObject node)
    {
        var points = node["points"]!.AsArray().Select(p => new RescalingPoint(
            JsonFields.Number(p!["temperature"]), JsonFields.Estimate(p["block_energy"]), JsonFields.Estimate(p["energy"]), JsonFields.Number(p["exact_energy"]), JsonFields.Number(p["exact_half_energy"]),
            JsonFields.Number(p["t_xi"]), JsonFields.Number(p["t_xi_error"]), JsonFields.Number(p["half_specific_heat_at_t_xi"]))).ToArray();
        var options = new TemperatureRescalingOptions((int)JsonFields.Number(node["size"]), points.Select(p => p.Temperature).ToArray(),
            (int)JsonFields.Number(node["samples"]), (int)JsonFields.Number(node["thermalize"]), node["seed"]!.GetValue<ulong>());
        return new TemperatureRescalingResult(options, points, TimeSpan.Zero);
    }
}
