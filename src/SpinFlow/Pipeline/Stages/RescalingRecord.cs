using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The JSON form of a rescaling run (stages/rescale.json and the ladder's rounds), from which Fig. 2 is redrawn.</summary>
public static class RescalingRecord
{
    /// <summary>
    /// A rescaling run with every grid point, enough to redraw Fig. 2; clock and XY runs add their model, and a measured
    /// L/2 energy curve (<paramref name="withCurve"/>) its points, so that a resumed run and the figures need not measure it again.
    /// Ising records keep their original shape.
    /// </summary>
    public static JsonObject ToJson(TemperatureRescalingResult r, bool withCurve = true)
    {
        var node = Points(r);
        if (r.Options.Model is not IsingModel) node.Insert(0, "model", r.Options.Model.Name);
        if (withCurve && r.HalfCurve is MonteCarloEnergyCurve curve)
            node["half_curve"] = new JsonObject
            {
                ["size"] = curve.Size,
                ["points"] = new JsonArray(curve.Temperatures.Select((t, j) => (JsonNode?)new JsonObject
                {
                    ["temperature"] = t,
                    ["energy"] = ResultJson.Estimate(curve.Energies[j]),
                    ["specific_heat"] = ResultJson.Estimate(curve.SpecificHeats[j]),
                }).ToArray()),
            };
        return node;
    }

    private static JsonObject Points(TemperatureRescalingResult r) => new()
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
            ["exact_energy"] = ResultJson.Number(p.ExactEnergy),
            ["exact_half_energy"] = ResultJson.Number(p.ExactHalfEnergy),
            ["t_xi"] = ResultJson.Number(p.TXi),
            ["t_xi_error"] = ResultJson.Number(p.TXiError),
            ["half_specific_heat_at_t_xi"] = ResultJson.Number(p.HalfSpecificHeatAtTXi),
        }.WithCurveError(p.TXiCurveError)).ToArray()),
    };

    // Only a measured curve has an error of its own; exact-curve (and so all Ising) records stay as they were.
    private static JsonObject WithCurveError(this JsonObject point, double curveError)
    {
        if (curveError != 0) point["t_xi_curve_error"] = ResultJson.Number(curveError);
        return point;
    }

    /// <summary>Inverse of <see cref="ToJson(TemperatureRescalingResult)"/>.</summary>
    public static TemperatureRescalingResult FromJson(JsonObject node)
    {
        var model = node["model"] is { } m ? SpinModel.Parse(m.GetValue<string>()) : SpinModel.Ising;
        var points = node["points"]!.AsArray().Select(p => new RescalingPoint(
            JsonFields.Number(p!["temperature"]), JsonFields.Estimate(p["block_energy"]), JsonFields.Estimate(p["energy"]), JsonFields.Number(p["exact_energy"]), JsonFields.Number(p["exact_half_energy"]),
            JsonFields.Number(p["t_xi"]), JsonFields.Number(p["t_xi_error"]), JsonFields.Number(p["half_specific_heat_at_t_xi"]))
        {
            TXiCurveError = p["t_xi_curve_error"] is null ? 0 : JsonFields.Number(p["t_xi_curve_error"]),
        }).ToArray();
        var options = new TemperatureRescalingOptions((int)JsonFields.Number(node["size"]), points.Select(p => p.Temperature).ToArray(),
            (int)JsonFields.Number(node["samples"]), (int)JsonFields.Number(node["thermalize"]), node["seed"]!.GetValue<ulong>(), model);
        var result = new TemperatureRescalingResult(options, points, TimeSpan.Zero);
        if (node["half_curve"] is JsonObject curve)
        {
            var cp = curve["points"]!.AsArray();
            result = result with
            {
                HalfCurve = new MonteCarloEnergyCurve(model, (int)JsonFields.Number(curve["size"]), cp.Select(p => JsonFields.Number(p!["temperature"])).ToArray(),
                    cp.Select(p => JsonFields.Estimate(p!["energy"])).ToArray(), cp.Select(p => JsonFields.Estimate(p!["specific_heat"])).ToArray()),
            };
        }
        return result;
    }
}
