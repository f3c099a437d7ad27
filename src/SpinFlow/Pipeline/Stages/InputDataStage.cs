using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The record of an input-data stage: the base-size data set ξ at T_ξ of one target temperature and rung.</summary>
public sealed record InputDataRecord(double Temperature, double InputTemperature, int Rung, int Size, long Samples, string Path, JsonObject Observables)
{
    /// <summary>⟨m²⟩ of the data set with its error.</summary>
    public Estimate M2 => JsonFields.Estimate(Observables["m2"]);

    /// <summary>The JSON form stored in stages/data-*.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["temperature"] = Temperature,
        ["t_xi"] = InputTemperature,
        ["rung"] = Rung,
        ["size"] = Size,
        ["samples"] = Samples,
        ["path"] = Path,
        ["observables"] = Observables.DeepClone(),
    };

    /// <summary>Reads a stored record (records from before the input ladder have no rung: 1).</summary>
    public static InputDataRecord FromJson(JsonObject node) => new(
        JsonFields.Number(node["temperature"]), JsonFields.Number(node["t_xi"]), node["rung"] is null ? 1 : (int)JsonFields.Number(node["rung"]),
        (int)JsonFields.Number(node["size"]), (long)JsonFields.Number(node["samples"]), node["path"]?.GetValue<string>() ?? "", node["observables"]!.AsObject());
}

/// <summary>The input data ξ of one target temperature: the model's exact relaxed sampler on the base lattice at T_ξ (of the rung).</summary>
internal static class InputDataStage
{
    public static InputDataRecord Run(StageContext c, double t, int rung, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        double tXi = RescalingStage.InputTemperature(c.Run, t, rung);
        int b = o.BaseSize, n = b * b * o.Model.Components;
        // Rung 1 keeps the stream of a run without a ladder, so both write the same data set.
        var options = new RelaxedOptions { Size = b, Temperature = tXi, Samples = o.DataSamples, Chains = 8, Seed = c.SeedOf(StageContext.DataStream, t, rung == 1 ? 0 : rung) };
        var store = new float[(long)((o.DataSamples + 7) / 8 * 8) * n];
        long saved = 0;
        var result = RelaxedModels.Run(options, o.Model, progress, (_, x) =>
        {
            for (int k = 0; k < n; k++) store[saved * n + k] = (float)x[k];
            saved++;
        }, ct);
        string path = c.Run.InputDataPath(b, t, rung);
        RelaxedConfigurationFile.Write(c.Output(path), store, (int)saved,
            new RelaxedConfigurationMetadata(b, tXi, result.Shift, "exact", options.Seed, options.Chains, o.Model.Name));
        return new InputDataRecord(t, tXi, rung, b, saved, c.Relative(path), ResultJson.Observables(result.Observables));
    }
}
