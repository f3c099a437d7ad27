using System.Text.Json.Nodes;
using SpinFlow.Exact;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.IO;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;

namespace SpinFlow.Pipeline.Stages;

/// <summary>The record of a sampling stage: exact latent HMC through the stack up to one level for one target temperature.</summary>
/// <remarks>
/// Records written before a field existed lack it: the nullable fields are then null (the verdict, the ladder's T_ξ, the
/// mass per level, the spin move) and the missing numbers NaN, so old run folders still report.
/// </remarks>
public sealed record SamplingRecord
{
    /// <summary>Target temperature T of the output lattice.</summary>
    public required double Temperature { get; init; }
    /// <summary>Level of the stack (1: the first flow).</summary>
    public required int Level { get; init; }
    /// <summary>Side of the output lattice.</summary>
    public required int Size { get; init; }
    /// <summary>The sampler (latent-hmc).</summary>
    public string Method { get; init; } = LatentHmcSampler.Method;
    /// <summary>"p_z" (chains drawn from the prior) or "level below" (warm start).</summary>
    public string Start { get; init; } = "p_z";
    /// <summary>T_ξ of the data set fed to the stack.</summary>
    public double InputTemperature { get; init; } = double.NaN;
    /// <summary>Independent chains.</summary>
    public int Chains { get; init; }
    /// <summary>Warm-up trajectories per chain.</summary>
    public int WarmUp { get; init; }
    /// <summary>Measured trajectories per chain.</summary>
    public int Trajectories { get; init; }
    /// <summary>Leapfrog steps per trajectory.</summary>
    public int LeapfrogSteps { get; init; }
    /// <summary>Leapfrog step size ε after tuning.</summary>
    public double StepSize { get; init; } = double.NaN;
    /// <summary>Curvature of U per latent level (ξ first) with the mass per level; null without.</summary>
    public double[]? LevelCurvature { get; init; }
    /// <summary>Scale per latent level (ξ first) with the mass per level; null without.</summary>
    public double[]? LevelScale { get; init; }
    /// <summary>Scale per latent level (ξ first) and shell of wave vectors with the Fourier mass; null without.</summary>
    public double[][]? ShellScale { get; init; }
    /// <summary>Metropolis sweeps of the spins after every trajectory; null without the spin move.</summary>
    public int? SpinSweeps { get; init; }
    /// <summary>Acceptance of the spin sweeps.</summary>
    public double SpinAcceptance { get; init; } = double.NaN;
    /// <summary>Largest |F(F⁻¹(x)) − x| of the spin moves.</summary>
    public double SpinMoveRoundTrip { get; init; } = double.NaN;
    /// <summary>Acceptance of the measured trajectories.</summary>
    public double Acceptance { get; init; } = double.NaN;
    /// <summary>Importance-weight ESS per draw over the starting points.</summary>
    public double StartWeightEss { get; init; } = double.NaN;
    /// <summary>τ_int of ⟨e⟩ in trajectories.</summary>
    public double TauEnergy { get; init; } = double.NaN;
    /// <summary>τ_int of ⟨m²⟩ in trajectories.</summary>
    public double TauM2 { get; init; } = double.NaN;
    /// <summary>⟨m²⟩ of the second half of the measured trajectories minus the first half, in combined σ.</summary>
    public double DriftSigma { get; init; } = double.NaN;
    /// <summary>Error of ⟨m²⟩ from the spread of the per-chain means.</summary>
    public double M2BetweenChainError { get; init; } = double.NaN;
    /// <summary>Error of ⟨e⟩ from the spread of the per-chain means.</summary>
    public double EnergyBetweenChainError { get; init; } = double.NaN;
    /// <summary>The observables in the <c>sample --json</c> shape (each with ess and r_hat where assessed).</summary>
    public required JsonObject Observables { get; init; }
    /// <summary>The convergence verdict; null in records written before verdicts.</summary>
    public bool? Converged { get; init; }
    /// <summary>The verdict's reasons.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
    /// <summary>Exact ⟨e⟩ of the output lattice at T (NaN where the model has no finite-size solution).</summary>
    public double ExactEnergy { get; init; } = double.NaN;
    /// <summary>The final configurations, relative to the run folder.</summary>
    public string Samples { get; init; } = "";
    /// <summary>Chain mean of ⟨m²⟩ per block of trajectories (warm-up included) and its error from the spread over chains.</summary>
    public double[] M2Trace { get; init; } = [];
    /// <summary>Error of each block of <see cref="M2Trace"/> from the spread over chains.</summary>
    public double[] M2TraceError { get; init; } = [];
    /// <summary>First step from which every block agrees with the reference within 2σ; null if none.</summary>
    public int? ConvergedStep { get; init; }
    /// <summary>Wall time of the stage (written by the runner).</summary>
    public double Seconds { get; init; } = double.NaN;
    /// <summary>Where the sampler's wall time went (parts and per-flow passes); null in records written before breakdowns.</summary>
    public SamplingTimes? TimeBreakdown { get; init; }

    /// <summary>
    /// τ_int of <paramref name="observable"/> ("m2" or "energy") in trajectories for cost accounting: the larger of Sokal's τ
    /// and the τ implied by the effective sample size over the chains, chains × trajectories / (2 ESS), so that chains that
    /// have not forgotten their start cannot look cheap.
    /// </summary>
    public double EffectiveTau(string observable) =>
        EffectiveSampleCost.Tau(observable == "m2" ? TauM2 : TauEnergy, JsonFields.Number(Observables[observable]?["ess"]), (double)Chains * Trajectories);

    /// <summary>True when <see cref="EffectiveTau"/> of <paramref name="observable"/> comes from the ESS rather than Sokal's τ.</summary>
    public bool TauFromEss(string observable) => EffectiveTau(observable) > (observable == "m2" ? TauM2 : TauEnergy);

    /// <summary>
    /// Wall seconds per effective sample of <paramref name="observable"/>: stage wall (warm-up included) × 2τ / (chains ×
    /// measured trajectories), with τ = <see cref="EffectiveTau"/>; NaN when unknown.
    /// </summary>
    public double SecondsPerEffectiveSample(string observable) => EffectiveSampleCost.Seconds(Seconds, EffectiveTau(observable), (double)Chains * Trajectories);

    /// <summary>⟨m²⟩: Sokal's error, widened to the between-chain error where that is larger (stuck chains fool the first).</summary>
    public Estimate M2 => Widened(JsonFields.Estimate(Observables["m2"]), M2BetweenChainError);

    /// <summary>⟨e⟩, widened as <see cref="M2"/>.</summary>
    public Estimate Energy => Widened(JsonFields.Estimate(Observables["energy"]), EnergyBetweenChainError);

    /// <summary>
    /// The observable named as in <c>mcmc --json</c>: ⟨e⟩ and ⟨m²⟩ as <see cref="Energy"/> and <see cref="M2"/>, the others
    /// (clock and XY: "helicity", "vortex_density", whose errors already include the between-chain spread) as recorded;
    /// NaNs when the record lacks it.
    /// </summary>
    public Estimate Of(string observable) => observable switch
    {
        "m2" => M2,
        "energy" => Energy,
        _ => JsonFields.Estimate(Observables[observable]),
    };

    private static Estimate Widened(Estimate e, double between) => between > e.Error ? e with { Error = between } : e;

    /// <summary>The JSON form stored in stages/sample-*.json.</summary>
    public JsonObject ToJson() => new()
    {
        ["temperature"] = Temperature,
        ["level"] = Level,
        ["size"] = Size,
        ["method"] = Method,
        ["start"] = Start,
        ["t_xi"] = ResultJson.Number(InputTemperature),
        ["chains"] = Chains,
        ["warm_up"] = WarmUp,
        ["trajectories"] = Trajectories,
        ["leapfrog_steps"] = LeapfrogSteps,
        ["step_size"] = ResultJson.Number(StepSize),
        ["level_curvature"] = LevelCurvature is null ? null : ResultJson.Numbers(LevelCurvature),
        ["level_scale"] = LevelScale is null ? null : ResultJson.Numbers(LevelScale),
        ["shell_scale"] = ShellScale is null ? null : new JsonArray([.. ShellScale.Select(level => (JsonNode?)ResultJson.Numbers(level))]),
        ["spin_sweeps"] = SpinSweeps,
        ["spin_acceptance"] = SpinSweeps is null ? null : ResultJson.Number(SpinAcceptance),
        ["spin_move_round_trip"] = SpinSweeps is null ? null : ResultJson.Number(SpinMoveRoundTrip),
        ["acceptance"] = ResultJson.Number(Acceptance),
        ["start_weight_ess"] = ResultJson.Number(StartWeightEss),
        ["tau_int"] = new JsonObject { ["energy"] = ResultJson.Number(TauEnergy), ["m2"] = ResultJson.Number(TauM2) },
        ["drift_sigma"] = ResultJson.Number(DriftSigma),
        ["m2_between_chain_error"] = ResultJson.Number(M2BetweenChainError),
        ["energy_between_chain_error"] = ResultJson.Number(EnergyBetweenChainError),
        ["observables"] = Observables.DeepClone(),
        ["converged"] = Converged,
        ["warnings"] = new JsonArray(Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
        ["exact_energy"] = ResultJson.Number(ExactEnergy),
        ["samples"] = Samples,
        ["m2_trace"] = ResultJson.Numbers(M2Trace),
        ["m2_trace_error"] = ResultJson.Numbers(M2TraceError),
        ["converged_step"] = ConvergedStep,
        ["time_breakdown"] = TimeBreakdown?.ToJson(),
    };

    /// <summary>Reads a stored record, old or new.</summary>
    public static SamplingRecord FromJson(JsonObject s)
    {
        static double D(JsonNode? n) => JsonFields.Number(n);
        static double[] Series(JsonNode? n) => n is JsonArray a ? a.Select(JsonFields.Number).ToArray() : [];
        return new SamplingRecord
        {
            Temperature = D(s["temperature"]),
            Level = (int)D(s["level"]),
            Size = (int)D(s["size"]),
            Method = s["method"]?.GetValue<string>() ?? LatentHmcSampler.Method,
            Start = s["start"]?.GetValue<string>() ?? "p_z",
            InputTemperature = D(s["t_xi"]),
            Chains = (int)D(s["chains"]),
            WarmUp = (int)D(s["warm_up"]),
            Trajectories = (int)D(s["trajectories"]),
            LeapfrogSteps = (int)D(s["leapfrog_steps"]),
            StepSize = D(s["step_size"]),
            LevelCurvature = s["level_curvature"] is JsonArray ? Series(s["level_curvature"]) : null,
            LevelScale = s["level_scale"] is JsonArray ? Series(s["level_scale"]) : null,
            ShellScale = s["shell_scale"] is JsonArray shells ? [.. shells.Select(Series)] : null,
            SpinSweeps = s["spin_sweeps"] is JsonValue v && v.TryGetValue(out int k) ? k : null,
            SpinAcceptance = D(s["spin_acceptance"]),
            SpinMoveRoundTrip = D(s["spin_move_round_trip"]),
            Acceptance = D(s["acceptance"]),
            StartWeightEss = D(s["start_weight_ess"]),
            TauEnergy = D(s["tau_int"]?["energy"]),
            TauM2 = D(s["tau_int"]?["m2"]),
            DriftSigma = D(s["drift_sigma"]),
            M2BetweenChainError = D(s["m2_between_chain_error"]),
            EnergyBetweenChainError = D(s["energy_between_chain_error"]),
            Observables = s["observables"]!.AsObject(),
            Converged = s["converged"] is JsonValue c && c.TryGetValue(out bool b) ? b : null,
            Warnings = s["warnings"] is JsonArray w ? w.Select(x => x is JsonValue xv && xv.TryGetValue(out string? t) ? t : null).OfType<string>().ToArray() : [],
            ExactEnergy = D(s["exact_energy"]),
            Samples = s["samples"]?.GetValue<string>() ?? "",
            M2Trace = Series(s["m2_trace"]),
            M2TraceError = Series(s["m2_trace_error"]),
            ConvergedStep = s["converged_step"] is JsonValue cs && cs.TryGetValue(out int step) ? step : null,
            Seconds = D(s["seconds"]),
            TimeBreakdown = SamplingTimes.FromJson(s["time_breakdown"]),
        };
    }
}

/// <summary>
/// Exact latent HMC through the stack Flow_B … up to one level (ξ from the level's rung of the input ladder, noises at every
/// level, chains from z ~ p_z or, with the warm start, from the level below), with spin moves and a mass per level as set.
/// </summary>
internal static class SamplingStage
{
    public static SamplingRecord Run(StageContext c, double t, int level, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        var run = c.Run;
        int size = o.SizeAt(level);
        var setup = c.StackAt(t, level, o.SampleRungAt(level), inputModel: true);
        var meta = setup.Data!.Value.Metadata;
        var hmc = new HmcOptions { LeapfrogSteps = o.LeapfrogSteps, StepSize = 0.05, StepSizeJitter = 0.1 };
        int warmUp = o.WarmUpAt(level), trajectories = o.TrajectoriesAt(level);
        var options = new LatentHmcOptions(o.Chains, warmUp, trajectories, hmc, c.SeedOf(StageContext.SampleStream, t, level), recordChains: true,
            massPerLevel: o.MassPerLevel, spinSweeps: o.SpinSweeps, levelSizeWeighting: o.MassPerLevel ? o.LevelSizeWeighting : 0, fourierMass: o.FourierMass,
            spinClusters: o.SpinClusters);
        var sampler = new LatentHmcSampler(setup.Flow, setup.Latent, RelaxedModels.Create(o.Model, size, t), options);
        bool warm = o.WarmStart && level >= 2;
        var r = sampler.Run(progress, ct, warm ? WarmStartOf(c, t, level, options.Seed) : null);
        var details = r.LatentHmc!;
        string samplesPath = run.SamplesPath(size, t);
        RelaxedConfigurationFile.Write(c.Output(samplesPath), r.FinalConfigurations, o.Chains,
            new RelaxedConfigurationMetadata(size, t, r.Shift, r.Method, options.Seed, o.Chains, o.Model.Name));
        RelaxedConfigurationFile.Write(c.Output(run.LatentPath(size, t)), Numerics.Precision.ToSingle(details.FinalLatent), o.Chains,
            new RelaxedConfigurationMetadata(size, t, r.Shift, Latent.LatentFile.SamplerName, options.Seed, o.Chains, o.Model.Name));

        // Drift check: a chain still forgetting its start has halves that disagree beyond their (τ-corrected) errors.
        var measured = r.M2Trace.AsSpan(r.M2Trace.Length - trajectories);
        var convergence = r.Convergence;
        // Per-step errors from the spread over the independent chains, for the convergence figure.
        var curve = ConvergenceCurve.Analyze(r.ChainM2Trace, o.Chains, ReferenceCurveStage.M2At(run, size, t), Math.Max(1, r.M2Trace.Length / 25));
        return new SamplingRecord
        {
            Temperature = t,
            Level = level,
            Size = size,
            Method = r.Method,
            Start = warm ? "level below" : "p_z",
            InputTemperature = meta.Temperature,
            Chains = o.Chains,
            WarmUp = warmUp,
            Trajectories = trajectories,
            LeapfrogSteps = o.LeapfrogSteps,
            StepSize = details.StepSize,
            LevelCurvature = o.MassPerLevel ? details.LevelCurvature : null,
            LevelScale = o.MassPerLevel ? details.LevelScale : null,
            ShellScale = details.ShellScale,
            SpinSweeps = o.SpinSweeps > 0 ? o.SpinSweeps : null,
            SpinAcceptance = o.SpinSweeps > 0 ? r.AcceptanceOf(LatentHmcSampler.SpinMove)!.Rate : double.NaN,
            SpinMoveRoundTrip = o.SpinSweeps > 0 ? details.SpinMoveRoundTrip : double.NaN,
            Acceptance = r.Acceptance,
            StartWeightEss = r.WeightEss,
            TauEnergy = r.TauEnergy.Tau,
            TauM2 = r.TauM2.Tau,
            DriftSigma = ConvergenceDiagnostics.DriftSigma(measured),
            M2BetweenChainError = ConvergenceDiagnostics.BetweenChainError(r.ChainM2Trace, o.Chains, trajectories),
            EnergyBetweenChainError = ConvergenceDiagnostics.BetweenChainError(r.ChainEnergyTrace, o.Chains, trajectories),
            Observables = r.Angle is { } angle ? ResultJson.Observables(angle, convergence) : ResultJson.Observables(r.Observables, convergence),
            Converged = convergence.Verdict.Converged,
            Warnings = convergence.Verdict.Warnings,
            ExactEnergy = ExactReference.EnergyOf(o.Model, size, t) ?? double.NaN,
            Samples = c.Relative(samplesPath),
            M2Trace = curve.Mean,
            M2TraceError = curve.Error,
            ConvergedStep = curve.ConvergedStep,
            TimeBreakdown = details.Times,
        };
    }

    /// <summary>
    /// Starting latents of level <paramref name="level"/>: each chain's final z of the level below (its whole latent lattice,
    /// which the next flow takes as its input) with fresh N(0, 1) noises around it, laid out as the stack's prior lays out z.
    /// </summary>
    private static double[] WarmStartOf(StageContext c, double t, int level, ulong seed)
    {
        var o = c.Options;
        int below = o.SizeAt(level - 1);
        string path = c.Run.LatentPath(below, t);
        var (zBelow, count, meta) = RelaxedConfigurationFile.Read(path, o.Model.Name);
        if (count != o.Chains || meta.Size != below)
            throw new InvalidDataException($"{path} holds {count} latents of {meta.Size}×{meta.Size}, expected {o.Chains} of {below}×{below}");
        int channels = o.Model.Components;
        var noise = new float[o.Chains * 3 * below * below * channels];
        Randomness.Xoshiro256.ForStream(seed, 0x7761726DUL).FillGaussian(noise);
        var z = new float[o.Chains * 4 * below * below * channels];
        SuperResolutionFlow.ComposeLatent(zBelow, noise, z, below, channels);
        var start = new double[z.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(z, start);
        return start;
    }
}
