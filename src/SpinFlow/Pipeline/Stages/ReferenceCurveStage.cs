using System.Text.Json.Nodes;
using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;

namespace SpinFlow.Pipeline.Stages;

/// <summary>
/// One temperature of a reference curve: the reference chain's observables (the <c>mcmc --json</c> shape; clock and XY
/// with helicity and vortex_density) and the exact ⟨e⟩ (NaN where the model has no finite-size solution).
/// </summary>
public sealed record ReferencePoint(double Temperature, int Sweeps, JsonObject Observables, double ExactEnergy)
{
    /// <summary>⟨m²⟩ with its error.</summary>
    public Estimate M2 => JsonFields.Estimate(Observables["m2"]);
    /// <summary>⟨e⟩ with its error.</summary>
    public Estimate Energy => JsonFields.Estimate(Observables["energy"]);

    /// <summary>The observable named as in <c>mcmc --json</c> ("energy", "m2", "helicity", …); NaNs when the point lacks it.</summary>
    public Estimate this[string observable] => JsonFields.Estimate(Observables[observable]);
}

/// <summary>The record of a reference stage: the reference chain (Swendsen–Wang, or Wolff for clock and XY) on one lattice size at every grid temperature.</summary>
public sealed record ReferenceRecord(int Size, string Algorithm, IReadOnlyList<ReferencePoint> Points)
{
    /// <summary>The JSON form stored in stages/reference-L*.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["size"] = Size,
        ["algorithm"] = Algorithm,
        ["points"] = new JsonArray(Points.Select(p => (JsonNode?)new JsonObject
        {
            ["temperature"] = p.Temperature,
            ["sweeps"] = p.Sweeps,
            ["observables"] = p.Observables.DeepClone(),
            ["exact_energy"] = ResultJson.Number(p.ExactEnergy),
        }).ToArray()),
    };

    /// <summary>Reads a stored record.</summary>
    public static ReferenceRecord FromJson(JsonObject node) => new(
        (int)JsonFields.Number(node["size"]), node["algorithm"]?.GetValue<string>() ?? "sw",
        node["points"]!.AsArray().Select(p => new ReferencePoint(JsonFields.Number(p!["temperature"]), (int)JsonFields.Number(p["sweeps"]),
            p["observables"]!.AsObject(), JsonFields.Number(p["exact_energy"]))).ToArray());
}

/// <summary>
/// References on one lattice size at every grid temperature (the curves of Fig. 5 and the truth of every row): Swendsen–Wang
/// for Ising, Wolff with Υ and the vortex density for clock and XY.
/// </summary>
internal static class ReferenceCurveStage
{
    public static ReferenceRecord Run(StageContext c, int size, double[] grid, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        var points = new ReferencePoint[grid.Length];
        int done = 0;
        Parallel.For(0, grid.Length, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var mc = new McmcOptions(size, grid[i], o.ReferenceAlgorithm, o.ReferenceSweeps, Math.Max(100, o.ReferenceSweeps / 10), 1,
                c.SeedOf(StageContext.ReferenceStream, grid[i], size));
            var observables = o.Model is IsingModel ? ResultJson.Observables(MarkovChainRun.Run(mc, cancellation: ct).Observables)
                : ResultJson.Observables(AngleChainRun.Run(o.Model, mc, cancellation: ct).Observables);
            points[i] = new ReferencePoint(grid[i], o.ReferenceSweeps, observables, ExactReference.EnergyOf(o.Model, size, grid[i]) ?? double.NaN);
            progress.Report((double)Interlocked.Increment(ref done) / grid.Length);
        });
        return new ReferenceRecord(size, SpinSamplers.Name(o.ReferenceAlgorithm), points);
    }

    /// <summary>The reference ⟨m²⟩ at (size, T) from the finished reference stage.</summary>
    public static Estimate M2At(RunFolder run, int size, double t) =>
        ReferenceRecord.FromJson(run.Load(PipelineRun.ReferenceStage(size))).Points.FirstOrDefault(p => p.Temperature == t)?.M2
        ?? throw new InvalidDataException($"the {size}×{size} reference has no point at T = {t}");
}
