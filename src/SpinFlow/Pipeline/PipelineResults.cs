using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Pipeline.Stages;
using SpinFlow.Statistics;

namespace SpinFlow.Pipeline;

/// <summary>One observable at one size and temperature: the flow's exact-sampling result beside the reference chain's (Swendsen–Wang; Wolff for clock and XY).</summary>
/// <param name="Size">Linear size of the lattice.</param>
/// <param name="Level">Super-resolution level that produced it (1 = Flow_base).</param>
/// <param name="Temperature">Target temperature T_x.</param>
/// <param name="Observable">Named as in <c>mcmc --json</c>: "m2", "energy", "binder" (U₄ = 1 − ⟨m⁴⟩/3⟨m²⟩²); clock and XY also "helicity", "vortex_density".</param>
/// <param name="Flow">Latent-HMC estimate (τ in trajectories).</param>
/// <param name="Reference">The reference chain's estimate on the same size and temperature (τ in sweeps).</param>
/// <param name="Exact">Exact value when known (⟨e⟩ from the finite-size solution: Ising, clock:2, clock:4), else NaN.</param>
/// <param name="DeviationSigma">(flow − reference) / √(σ_flow² + σ_ref²).</param>
/// <param name="Acceptance">Latent-HMC acceptance rate.</param>
/// <param name="TauInt">τ_int of the observable's chain-averaged series, in trajectories.</param>
/// <param name="Seconds">Wall time of the sampling stage.</param>
/// <param name="DriftSigma">⟨m²⟩ of the second half of the measured trajectories minus the first half, in combined σ: large values mean the chains had not forgotten their start.</param>
/// <param name="Converged">The sampling stage's convergence verdict; null when unknown (records from before the verdict existed).</param>
/// <param name="Warnings">The verdict's reasons (empty when converged or unknown).</param>
/// <param name="Ess">Effective sample size behind the flow's error bar (NaN when unknown).</param>
/// <param name="RHat">Split-R̂ of the observable over the chains (NaN when unknown).</param>
/// <param name="Cost">Cost per effective sample of the flow and of Swendsen–Wang (null when unknown).</param>
/// <param name="Times">Where the sampling stage's wall time went (on the m² entry; null when not recorded).</param>
public sealed record PipelineEntry(int Size, int Level, double Temperature, string Observable, Estimate Flow, Estimate Reference,
    double Exact, double DeviationSigma, double Acceptance, double TauInt, double Seconds, double DriftSigma = double.NaN,
    bool? Converged = null, IReadOnlyList<string>? Warnings = null, double Ess = double.NaN, double RHat = double.NaN,
    EffectiveCost? Cost = null, SuperResolution.SamplingTimes? Times = null);

/// <summary>
/// Cost per effective sample of one observable: the flow's stage wall × 2τ / (chains × measured trajectories), τ the
/// larger of Sokal's and the ESS-implied one, beside Swendsen–Wang's wall per temperature × 2τ / sweeps on the same lattice.
/// </summary>
/// <param name="Tau">The flow's τ in trajectories used for the cost.</param>
/// <param name="TauFromEss">Whether <paramref name="Tau"/> is the ESS-implied τ (chains that disagree) rather than Sokal's.</param>
/// <param name="Seconds">The flow's wall seconds per effective sample.</param>
/// <param name="ReferenceTau">Swendsen–Wang's τ in sweeps.</param>
/// <param name="ReferenceSeconds">Swendsen–Wang's wall seconds per effective sample (NaN when the reference stage has no time).</param>
public sealed record EffectiveCost(double Tau, bool TauFromEss, double Seconds, double ReferenceTau, double ReferenceSeconds)
{
    /// <summary>Flow cost over Swendsen–Wang cost.</summary>
    public double Ratio => Seconds / ReferenceSeconds;
}

/// <summary>
/// ⟨m²⟩ of the input data set of one target temperature (measured at T_ξ on the base lattice); <paramref name="Rung"/> k
/// of the input ladder is the set at R^k(T) that level k is fed.
/// </summary>
public sealed record PipelineInput(double Temperature, double InputTemperature, int Size, Estimate M2, int Rung = 1);

/// <summary>A reference curve: ⟨m²⟩ (and for clock and XY the helicity modulus Υ) against T on one size.</summary>
public sealed record ReferenceCurve(int Size, double[] Temperatures, Estimate[] M2)
{
    /// <summary>Υ at each temperature (clock and XY); null for Ising.</summary>
    public Estimate[]? Helicity { get; init; }
}

/// <summary>
/// ⟨m²⟩ (mean over chains, with its error from the spread over chains) after every latent-HMC trajectory of one sampling
/// stage, warm-up included (entry 0 = start), and the step from which it stays on the reference (see <see cref="ConvergenceCurve"/>).
/// </summary>
public sealed record ConvergenceTrace(int Size, double Temperature, int WarmUp, double[] M2, double[] Error, int? ConvergedStep);

/// <summary>Loss history of one trained flow.</summary>
public sealed record LevelTraining(int InputSize, double Temperature, double BoundPerSite, double[] LossPerSite);

/// <summary>Wall time of one stage.</summary>
public sealed record StageTime(string Stage, string Kind, double Seconds);

/// <summary>Everything the report, results.json and the figures show, collected from the stage records of a run folder.</summary>
public sealed record PipelineResults(IReadOnlyList<PipelineEntry> Entries, IReadOnlyList<PipelineInput> Inputs,
    IReadOnlyList<ReferenceCurve> Curves, IReadOnlyList<ConvergenceTrace> Traces, IReadOnlyList<LevelTraining> Training, IReadOnlyList<StageTime> Stages)
{
    /// <summary>The spin model of the run (Ising unless the settings name another).</summary>
    public SpinModel Model { get; init; } = SpinModel.Ising;

    /// <summary>
    /// Observables beyond ⟨m²⟩ and ⟨e⟩ that the entries of <paramref name="model"/> carry: for clock and XY the helicity
    /// modulus and the vortex density, named as in <c>mcmc --json</c>.
    /// </summary>
    public static IReadOnlyList<string> AngleObservables(SpinModel model) => model.Components == 2 ? ["helicity", "vortex_density"] : [];

    /// <summary>Reads every finished stage of <paramref name="run"/>; stages not yet done are simply absent.</summary>
    public static PipelineResults Collect(PipelineOptions options, RunFolder run)
    {
        var curves = new List<ReferenceCurve>();
        var reference = new Dictionary<(int, double), ReferencePoint>();
        // Wall seconds per reference sweep at each size: the stage's wall shared equally by its temperatures (they run side by side).
        var referenceSecondsPerSweep = new Dictionary<int, double>();
        for (int level = 0; level <= options.Levels; level++)
        {
            int size = options.SizeAt(level);
            string name = PipelineRun.ReferenceStage(size);
            if (!run.IsDone(name)) continue;
            var node = run.Load(name);
            var points = ReferenceRecord.FromJson(node).Points;
            if (points.Count > 0) referenceSecondsPerSweep[size] = JsonFields.Number(node["seconds"]) / points.Sum(p => (double)p.Sweeps);
            foreach (var p in points) reference[(size, p.Temperature)] = p;
            curves.Add(new ReferenceCurve(size, points.Select(p => p.Temperature).ToArray(), points.Select(p => p.M2).ToArray())
            {
                Helicity = options.Model.Components == 2 ? points.Select(p => p["helicity"]).ToArray() : null,
            });
        }

        var entries = new List<PipelineEntry>();
        var inputs = new List<PipelineInput>();
        var traces = new List<ConvergenceTrace>();
        var training = new List<LevelTraining>();
        var unknown = new Estimate(double.NaN, double.NaN, double.NaN);
        foreach (double t in options.Temperatures)
        {
            for (int rung = 1; rung <= options.LadderRungs; rung++)
            {
                if (!run.IsDone(PipelineRun.DataStage(t, rung))) continue;
                var d = InputDataRecord.FromJson(run.Load(PipelineRun.DataStage(t, rung)));
                inputs.Add(new PipelineInput(t, d.InputTemperature, options.BaseSize, d.M2, rung));
            }
            for (int level = 1; level <= options.Levels; level++)
            {
                int size = options.SizeAt(level);
                string trained = PipelineRun.TrainStage(t, options.SizeAt(level - 1));
                if (run.IsDone(trained))
                {
                    var tr = TrainingRecord.FromJson(run.Load(trained));
                    training.Add(new LevelTraining(options.SizeAt(level - 1), t, tr.BoundPerSite, tr.LossPerSite));
                }
                string name = PipelineRun.SampleStage(t, size);
                if (!run.IsDone(name)) continue;
                var s = SamplingRecord.FromJson(run.Load(name));
                traces.Add(new ConvergenceTrace(size, t, s.WarmUp, s.M2Trace, s.M2TraceError, s.ConvergedStep));
                var point = reference.GetValueOrDefault((size, t));
                var (refM2, refE) = point is null ? (unknown, unknown) : (point.M2, point.Energy);
                var (m2, e) = (s.M2, s.Energy);
                double perSweep = referenceSecondsPerSweep.GetValueOrDefault(size, double.NaN);
                EffectiveCost CostOf(string observable, Estimate referenceValue) => new(s.EffectiveTau(observable), s.TauFromEss(observable),
                    s.SecondsPerEffectiveSample(observable), referenceValue.Tau, perSweep * 2 * referenceValue.Tau);
                entries.Add(new PipelineEntry(size, level, t, "m2", m2, refM2, double.NaN, m2.DeviationSigma(refM2.Mean, refM2.Error),
                    s.Acceptance, s.TauM2, s.Seconds, s.DriftSigma, s.Converged, s.Warnings.ToArray(),
                    JsonFields.Number(s.Observables["m2"]?["ess"]), JsonFields.Number(s.Observables["m2"]?["r_hat"]), CostOf("m2", refM2), s.TimeBreakdown));
                entries.Add(new PipelineEntry(size, level, t, "energy", e, refE, s.ExactEnergy, e.DeviationSigma(refE.Mean, refE.Error),
                    s.Acceptance, s.TauEnergy, s.Seconds, Converged: s.Converged, Warnings: s.Warnings.ToArray(),
                    Ess: JsonFields.Number(s.Observables["energy"]?["ess"]), RHat: JsonFields.Number(s.Observables["energy"]?["r_hat"]), Cost: CostOf("energy", refE)));
                if (s.Observables["binder"] is { } binderNode)
                {
                    // U₄ has no between-chain error of its own in the record: its error is the assessed one (τ- and ESS-based).
                    var u4 = JsonFields.Estimate(binderNode);
                    var refU4 = point?.Observables["binder"] is { } rb ? JsonFields.Estimate(rb) : unknown;
                    entries.Add(new PipelineEntry(size, level, t, "binder", u4, refU4, double.NaN, u4.DeviationSigma(refU4.Mean, refU4.Error),
                        s.Acceptance, u4.Tau, s.Seconds, Converged: s.Converged, Warnings: s.Warnings.ToArray(),
                        Ess: JsonFields.Number(binderNode["ess"]), RHat: JsonFields.Number(binderNode["r_hat"])));
                }
                foreach (string observable in AngleObservables(options.Model))
                {
                    var (flow, reference1) = (s.Of(observable), point?[observable] ?? unknown);
                    entries.Add(new PipelineEntry(size, level, t, observable, flow, reference1, double.NaN, flow.DeviationSigma(reference1.Mean, reference1.Error),
                        s.Acceptance, flow.Tau, s.Seconds, Converged: s.Converged, Warnings: s.Warnings.ToArray()));
                }
            }
        }

        var stages = PipelineRun.StageNames(options).Where(run.IsDone).Select(n =>
        {
            var rec = run.Load(n);
            return new StageTime(n, rec["kind"]?.GetValue<string>() ?? "", JsonFields.Number(rec["seconds"]));
        }).ToArray();
        return new PipelineResults(entries, inputs, curves, traces, training, stages) { Model = options.Model };
    }

    /// <summary>results.json: one entry per size, temperature and observable, plus the inputs, curves and stage times.</summary>
    public JsonObject ToJson(PipelineOptions options) => new()
    {
        ["format"] = "spinflow-pipeline-results",
        ["version"] = 1,
        ["settings"] = options.SettingsJson(),
        ["entries"] = new JsonArray(Entries.Select(e => (JsonNode?)new JsonObject
        {
            ["size"] = e.Size,
            ["level"] = e.Level,
            ["temperature"] = e.Temperature,
            ["observable"] = e.Observable,
            ["method"] = "latent-hmc",
            ["flow"] = ResultJson.Estimate(e.Flow),
            ["reference"] = ResultJson.Estimate(e.Reference),
            ["reference_method"] = MonteCarlo.SpinSamplers.Name(options.ReferenceAlgorithm),
            ["exact"] = ResultJson.Number(e.Exact),
            ["deviation_sigma"] = ResultJson.Number(e.DeviationSigma),
            ["acceptance"] = ResultJson.Number(e.Acceptance),
            ["tau_int"] = ResultJson.Number(e.TauInt),
            ["wall_seconds"] = ResultJson.Number(e.Seconds),
            ["drift_sigma"] = ResultJson.Number(e.DriftSigma),
            ["converged"] = e.Converged,
            ["warnings"] = new JsonArray((e.Warnings ?? []).Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["ess"] = ResultJson.Number(e.Ess),
            ["r_hat"] = ResultJson.Number(e.RHat),
            ["tau_effective"] = e.Cost is null ? null : ResultJson.Number(e.Cost.Tau),
            ["tau_effective_from"] = e.Cost is null ? null : e.Cost.TauFromEss ? "ess" : "sokal",
            ["seconds_per_effective_sample"] = e.Cost is null ? null : ResultJson.Number(e.Cost.Seconds),
            ["reference_tau_int"] = e.Cost is null ? null : ResultJson.Number(e.Cost.ReferenceTau),
            ["reference_seconds_per_effective_sample"] = e.Cost is null ? null : ResultJson.Number(e.Cost.ReferenceSeconds),
            ["cost_ratio"] = e.Cost is null ? null : ResultJson.Number(e.Cost.Ratio),
            ["time_breakdown"] = e.Times?.ToJson(),
        }).ToArray()),
        ["inputs"] = new JsonArray(Inputs.Select(i => (JsonNode?)new JsonObject
        {
            ["temperature"] = i.Temperature,
            ["t_xi"] = i.InputTemperature,
            ["size"] = i.Size,
            ["rung"] = i.Rung,
            ["m2"] = ResultJson.Estimate(i.M2),
        }).ToArray()),
        ["reference_curves"] = new JsonArray(Curves.Select(c => (JsonNode?)WithHelicity(new JsonObject
        {
            ["size"] = c.Size,
            ["temperatures"] = new JsonArray(c.Temperatures.Select(t => (JsonNode?)t).ToArray()),
            ["m2"] = new JsonArray(c.M2.Select(m => (JsonNode?)ResultJson.Estimate(m)).ToArray()),
        }, c.Helicity)).ToArray()),
        ["traces"] = new JsonArray(Traces.Select(c => (JsonNode?)new JsonObject
        {
            ["size"] = c.Size,
            ["temperature"] = c.Temperature,
            ["warm_up"] = c.WarmUp,
            ["m2"] = ResultJson.Numbers(c.M2),
            ["m2_error"] = ResultJson.Numbers(c.Error),
            ["converged_step"] = c.ConvergedStep,
        }).ToArray()),
        ["training"] = new JsonArray(Training.Select(h => (JsonNode?)new JsonObject
        {
            ["input_size"] = h.InputSize,
            ["temperature"] = h.Temperature,
            ["bound_per_site"] = ResultJson.Number(h.BoundPerSite),
            ["loss_per_site"] = ResultJson.Numbers(h.LossPerSite),
        }).ToArray()),
        ["stages"] = new JsonArray(Stages.Select(s => (JsonNode?)new JsonObject { ["stage"] = s.Stage, ["kind"] = s.Kind, ["seconds"] = ResultJson.Number(s.Seconds) }).ToArray()),
    };

    /// <summary>Reads results.json back (for <c>spinflow plot</c>).</summary>
    public static PipelineResults FromJson(JsonObject node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node["format"]?.GetValue<string>() != "spinflow-pipeline-results") throw new InvalidDataException("not a spinflow pipeline results.json");
        var entries = node["entries"]!.AsArray().Select(e => new PipelineEntry((int)JsonFields.Number(e!["size"]), (int)JsonFields.Number(e["level"]),
            JsonFields.Number(e["temperature"]), e["observable"]!.GetValue<string>(), JsonFields.Estimate(e["flow"]), JsonFields.Estimate(e["reference"]),
            JsonFields.Number(e["exact"]), JsonFields.Number(e["deviation_sigma"]), JsonFields.Number(e["acceptance"]), JsonFields.Number(e["tau_int"]),
            JsonFields.Number(e["wall_seconds"]), JsonFields.Number(e["drift_sigma"]),
            Verdict(e["converged"]), WarningsOf(e["warnings"]), JsonFields.Number(e["ess"]), JsonFields.Number(e["r_hat"]), CostOf(e),
            SuperResolution.SamplingTimes.FromJson(e["time_breakdown"]))).ToArray();
        var inputs = node["inputs"]!.AsArray().Select(i => new PipelineInput(JsonFields.Number(i!["temperature"]), JsonFields.Number(i["t_xi"]),
            (int)JsonFields.Number(i["size"]), JsonFields.Estimate(i["m2"]), i["rung"] is null ? 1 : (int)JsonFields.Number(i["rung"]))).ToArray();
        var curves = node["reference_curves"]!.AsArray().Select(c => new ReferenceCurve((int)JsonFields.Number(c!["size"]),
            c["temperatures"]!.AsArray().Select(JsonFields.Number).ToArray(), c["m2"]!.AsArray().Select(JsonFields.Estimate).ToArray())
        {
            Helicity = c["helicity"] is JsonArray h ? h.Select(JsonFields.Estimate).ToArray() : null,
        }).ToArray();
        var traces = node["traces"]!.AsArray().Select(c => new ConvergenceTrace((int)JsonFields.Number(c!["size"]), JsonFields.Number(c["temperature"]),
            (int)JsonFields.Number(c["warm_up"]), c["m2"]!.AsArray().Select(JsonFields.Number).ToArray(),
            c["m2_error"]!.AsArray().Select(JsonFields.Number).ToArray(), c["converged_step"]?.GetValue<int>())).ToArray();
        var stages = node["stages"]!.AsArray().Select(s => new StageTime(s!["stage"]!.GetValue<string>(), s["kind"]!.GetValue<string>(), JsonFields.Number(s["seconds"]))).ToArray();
        var training = node["training"]!.AsArray().Select(h => new LevelTraining((int)JsonFields.Number(h!["input_size"]), JsonFields.Number(h["temperature"]),
            JsonFields.Number(h["bound_per_site"]), h["loss_per_site"]!.AsArray().Select(JsonFields.Number).ToArray())).ToArray();
        var model = node["settings"]?["model"] is JsonValue m ? SpinModel.Parse(m.GetValue<string>()) : SpinModel.Ising;
        return new PipelineResults(entries, inputs, curves, traces, training, stages) { Model = model };
    }

    private static EffectiveCost? CostOf(JsonNode e) => e["seconds_per_effective_sample"] is null ? null
        : new(JsonFields.Number(e["tau_effective"]), e["tau_effective_from"]?.GetValue<string>() == "ess", JsonFields.Number(e["seconds_per_effective_sample"]),
            JsonFields.Number(e["reference_tau_int"]), JsonFields.Number(e["reference_seconds_per_effective_sample"]));

    /// <summary>True or false as recorded; null when absent or not a boolean.</summary>
    private static bool? Verdict(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue(out bool b) ? b : null;

    /// <summary>Adds Υ to a reference curve's JSON when it has one (Ising curves keep their shape).</summary>
    private static JsonObject WithHelicity(JsonObject curve, Estimate[]? helicity)
    {
        if (helicity is not null) curve["helicity"] = new JsonArray(helicity.Select(h => (JsonNode?)ResultJson.Estimate(h)).ToArray());
        return curve;
    }

    private static string[] WarningsOf(JsonNode? node) =>
        node is JsonArray a ? a.Select(w => w is JsonValue v && v.TryGetValue(out string? s) ? s : null).OfType<string>().ToArray() : [];
}
