using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Statistics;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Pipeline;

/// <summary>JSON forms of the pipeline's settings and of the records the figures are redrawn from.</summary>
public static class PipelineJson
{
    /// <summary>
    /// The settings that decide a run's results (everything but the thread count), as stored in pipeline.json and
    /// compared on resume.
    /// </summary>
    public static JsonObject Settings(PipelineOptions o)
    {
        var settings = new JsonObject
        {
            ["format"] = "spinflow-pipeline",
            ["version"] = 1,
            ["preset"] = o.Preset,
            ["base_size"] = o.BaseSize,
            ["levels"] = o.Levels,
            ["temperatures"] = Values(o.Temperatures),
            ["rescale_sweeps"] = o.RescaleSweeps,
            ["grid_points"] = o.GridPoints,
            ["data_samples"] = o.DataSamples,
            ["generated_samples"] = o.GeneratedSamples,
            ["train_steps"] = o.TrainSteps,
            ["transfer_steps"] = o.TransferSteps,
            ["batch"] = o.Batch,
            ["learning_rate"] = o.LearningRate,
            ["gamma"] = o.Gamma,
            ["gamma_steps"] = o.GammaSteps,
            ["architecture"] = o.Architecture.ToJson(),
            ["chains"] = o.Chains,
            ["warm_up"] = o.WarmUp,
            ["trajectories"] = o.Trajectories,
            ["leapfrog_steps"] = o.LeapfrogSteps,
            ["reference_sweeps"] = o.ReferenceSweeps,
            ["seed"] = o.Seed,
        };
        // Only when set, so that folders of runs started before these settings existed still resume.
        if (o.LevelWarmUp is { } w) settings["level_warm_up"] = Values(w);
        if (o.LevelTrajectories is { } t) settings["level_trajectories"] = Values(t);
        if (o.ConstantSitesPerBatch) settings["constant_sites_per_batch"] = true;
        if (o.WarmStart) settings["warm_start"] = true;
        if (o.InputLadder) settings["input_ladder"] = true;
        if (o.MassPerLevel) settings["mass_per_level"] = true;
        if (o.SpinSweeps > 0) settings["spin_sweeps"] = o.SpinSweeps;
        return settings;
    }

    private static JsonArray Values(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)v).ToArray());
    private static JsonArray Values(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());

    /// <summary>A rescaling run with every grid point, enough to redraw Fig. 2.</summary>
    public static JsonObject Rescaling(TemperatureRescalingResult r) => new()
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

    /// <summary>Inverse of <see cref="Rescaling(TemperatureRescalingResult)"/>.</summary>
    public static TemperatureRescalingResult Rescaling(JsonObject node)
    {
        var points = node["points"]!.AsArray().Select(p => new RescalingPoint(
            JsonFields.Number(p!["temperature"]), JsonFields.Estimate(p["block_energy"]), JsonFields.Estimate(p["energy"]), JsonFields.Number(p["exact_energy"]), JsonFields.Number(p["exact_half_energy"]),
            JsonFields.Number(p["t_xi"]), JsonFields.Number(p["t_xi_error"]), JsonFields.Number(p["half_specific_heat_at_t_xi"]))).ToArray();
        var options = new TemperatureRescalingOptions((int)JsonFields.Number(node["size"]), points.Select(p => p.Temperature).ToArray(),
            (int)JsonFields.Number(node["samples"]), (int)JsonFields.Number(node["thermalize"]), node["seed"]!.GetValue<ulong>());
        return new TemperatureRescalingResult(options, points, TimeSpan.Zero);
    }
}
