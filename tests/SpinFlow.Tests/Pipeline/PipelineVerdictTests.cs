using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Pipeline;

namespace SpinFlow.Tests.Pipeline;

/// <summary>The pipeline's report and results.json mark unconverged rows, and read stage records from before the verdict.</summary>
public sealed class PipelineVerdictTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-pipeline-verdict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonObject Est(double mean, double error, double tau) => new() { ["mean"] = mean, ["error"] = error, ["tau"] = tau };

    /// <summary>A sampling-stage record as written before the convergence verdict existed.</summary>
    private static JsonObject OldSampleRecord(double t) => new()
    {
        ["temperature"] = t,
        ["level"] = 1,
        ["size"] = 8,
        ["warm_up"] = 2,
        ["acceptance"] = 0.8,
        ["tau_int"] = new JsonObject { ["energy"] = 2.0, ["m2"] = 3.0 },
        ["drift_sigma"] = 0.5,
        ["m2_between_chain_error"] = 0.002,
        ["energy_between_chain_error"] = 0.001,
        ["observables"] = new JsonObject { ["energy"] = Est(-0.9, 0.004, 2.0), ["m2"] = Est(0.1, 0.003, 3.0) },
        ["exact_energy"] = -0.9,
        ["m2_trace"] = new JsonArray(0.2, 0.15, 0.1, 0.1),
        ["m2_trace_error"] = new JsonArray(0.01, 0.01, 0.01, 0.01),
        ["converged_step"] = 2,
        ["stage"] = PipelineRun.SampleStage(t, 8),
        ["kind"] = "sample",
        ["seconds"] = 1.0,
    };

    [Fact]
    public void OldRecordsReadAsUnknownAndUnconvergedRowsAreMarked()
    {
        var options = PipelineOptions.ForPreset(PipelinePreset.Quick, baseSize: 4, levels: 1, temperatures: [2.8, 3.2]) with { InputLadder = false };
        var run = RunFolder.Open(Path.Combine(_dir, "run"), options.SettingsJson(), resume: false);
        var points = new JsonArray();
        foreach (double t in new[] { 2.8, 3.2 })
            points.Add(new JsonObject { ["temperature"] = t, ["observables"] = new JsonObject { ["energy"] = Est(-0.9, 0.002, 1), ["m2"] = Est(0.1, 0.002, 1) } });
        run.Save(PipelineRun.ReferenceStage(8), new JsonObject { ["size"] = 8, ["points"] = points, ["stage"] = PipelineRun.ReferenceStage(8), ["kind"] = "reference", ["seconds"] = 1.0 });
        run.Save(PipelineRun.SampleStage(2.8, 8), OldSampleRecord(2.8));
        var stuck = OldSampleRecord(3.2);
        stuck["converged"] = false;
        stuck["warnings"] = new JsonArray("split-R̂ > 1.1 (split halves of 8 chains): ⟨m²⟩ 1.40 (the chains disagree)");
        stuck["observables"]!["m2"]!["ess"] = 12.0;
        stuck["observables"]!["m2"]!["r_hat"] = 1.4;
        run.Save(PipelineRun.SampleStage(3.2, 8), stuck);

        var results = PipelineResults.Collect(options, run);
        PipelineReport.Write(options, run, results);

        var old = results.Entries.Single(e => e.Temperature == 2.8 && e.Observable == "m2");
        Assert.Null(old.Converged);
        Assert.Empty(old.Warnings!);
        Assert.True(double.IsNaN(old.Ess) && double.IsNaN(old.RHat));
        // Means and errors as before the verdict: the larger of Sokal's and the between-chain error.
        Assert.Equal(0.1, old.Flow.Mean);
        Assert.Equal(0.003, old.Flow.Error);
        var bad = results.Entries.Single(e => e.Temperature == 3.2 && e.Observable == "m2");
        Assert.False(bad.Converged);
        Assert.Equal(1.4, bad.RHat);

        string report = File.ReadAllText(run.ReportPath);
        Assert.Contains("| converged |", report);
        Assert.Contains("| **no** |", report);
        Assert.Contains("| ? |", report);
        Assert.Contains("- L = 8, T = 3.2000: split-R̂ > 1.1", report);

        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(run.ResultsPath))!;
        var entries = json["entries"]!.AsArray();
        var jsonBad = entries.Single(e => (double)e!["temperature"]! == 3.2 && (string)e["observable"]! == "m2")!;
        Assert.False((bool)jsonBad["converged"]!);
        Assert.Equal(1.4, (double)jsonBad["r_hat"]!);
        Assert.Null(entries.Single(e => (double)e!["temperature"]! == 2.8 && (string)e["observable"]! == "m2")!["converged"]);
        // results.json reads back with the verdict (spinflow plot).
        var back = PipelineResults.FromJson(json);
        Assert.False(back.Entries.Single(e => e.Temperature == 3.2 && e.Observable == "m2").Converged);
        Assert.Null(back.Entries.Single(e => e.Temperature == 2.8 && e.Observable == "m2").Converged);
    }
}
