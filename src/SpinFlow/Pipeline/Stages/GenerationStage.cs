using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Relaxation;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The record of a generation stage: configurations of the stack's output lattice, the next level's training input.</summary>
public sealed record GenerationRecord(double Temperature, int Level, int Size, int Samples, double InputTemperature, string Path)
{
    /// <summary>The JSON form stored in stages/generate-*.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["temperature"] = Temperature,
        ["level"] = Level,
        ["size"] = Size,
        ["samples"] = Samples,
        ["t_xi"] = InputTemperature,
        ["path"] = Path,
    };

    /// <summary>Reads a stored record.</summary>
    public static GenerationRecord FromJson(JsonObject node) => new(
        JsonFields.Number(node["temperature"]), (int)JsonFields.Number(node["level"]), (int)JsonFields.Number(node["size"]),
        (int)JsonFields.Number(node["samples"]), JsonFields.Number(node["t_xi"]), node["path"]?.GetValue<string>() ?? "");
}

/// <summary>x = F(z), z ~ p_z through the stack up to one level (ξ from the next rung of the input ladder): the training input of the level above.</summary>
internal static class GenerationStage
{
    public static GenerationRecord Run(StageContext c, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        int size = o.SizeAt(level);
        var setup = c.StackAt(t, level, o.GenerateRungAt(level), inputModel: false);
        var xiMeta = setup.Data!.Value.Metadata;
        ulong seed = c.SeedOf(StageContext.GenerateStream, t, level);
        ct.ThrowIfCancellationRequested();
        var x = new Latent.GeneratedDistribution(setup.Flow, setup.Latent).DrawDataSet(o.GeneratedSamples, seed);
        progress.Report(1);
        string path = c.Run.GeneratedDataPath(size, t);
        var model = RelaxedModels.Create(o.Model, size, t);
        RelaxedConfigurationFile.Write(c.Output(path), x, o.GeneratedSamples, new RelaxedConfigurationMetadata(size, t, model.Shift, "flow", seed, Model: o.Model.Name));
        return new GenerationRecord(t, level, size, o.GeneratedSamples, xiMeta.Temperature, c.Relative(path));
    }
}
