using System.Globalization;
using System.Text;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Pipeline.Stages;
using SpinFlow.Reporting;
using SpinFlow.Statistics;

namespace SpinFlow.Pipeline;

/// <summary>Writes a run's report.md, results.json and figures from its stage records.</summary>
public static class PipelineReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Writes every artefact that the finished stages allow (all files atomically).</summary>
    public static void Write(PipelineOptions options, RunFolder run, PipelineResults results)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(results);
        ResultJson.Save(run.ResultsPath, results.ToJson(options));
        DrawFigures(run, results);
        AtomicFile.WriteAllText(run.ReportPath, Markdown(options, run, results));
    }

    /// <summary>Draws fig2 (when the rescaling stage is done), fig4, fig5 and the training curves into the run folder.</summary>
    public static void DrawFigures(RunFolder run, PipelineResults results)
    {
        if (run.IsDone(PipelineRun.RescaleStage))
            RescalingFigure.Save(RescalingRecord.FromJson(run.Load(PipelineRun.RescaleStage)), run.RescalingFigurePath);
        DrawStructureFactor(results, run.StructureFactorFigurePath);
        DrawConvergence(results, run.ConvergenceFigurePath);
        DrawTraining(results, run.TrainingFigurePath);
        DrawHelicity(results, run.HelicityFigurePath);
        DrawSizeScaling(results, "m2", "⟨m²⟩", run.SizeM2FigurePath);
        DrawSizeScaling(results, "binder", "U₄", run.SizeBinderFigurePath);
    }

    /// <summary>
    /// <paramref name="observable"/> against L at every temperature, flow and reference, when at least three sizes were
    /// sampled (a finite-size trend needs three points); false (nothing drawn) otherwise.
    /// </summary>
    public static bool DrawSizeScaling(PipelineResults results, string observable, string label, string path)
    {
        var entries = results.Entries.Where(e => e.Observable == observable).ToArray();
        if (entries.Select(e => e.Size).Distinct().Count() < 3) return false;
        SizeSeries Series(IGrouping<double, PipelineEntry> g, Func<PipelineEntry, Estimate> pick)
        {
            var points = g.OrderBy(e => e.Size).ToArray();
            return new SizeSeries(g.Key, points.Select(e => e.Size).ToArray(), points.Select(pick).ToArray());
        }
        var byTemperature = entries.GroupBy(e => e.Temperature).ToArray();
        var reference = byTemperature.Select(g => Series(g, e => e.Reference)).ToArray();
        var flow = byTemperature.Select(g => Series(g, e => e.Flow)).ToArray();
        SizeScalingFigure.Save(reference, flow, label, $"{label} against L ({results.Model.Name})", ReferenceOf(results), path);
        return true;
    }

    /// <summary>
    /// Clock and XY: Υ against T per size, the reference curves as lines and the flow's results as crosses, with 2T/π;
    /// false (nothing drawn) for Ising runs.
    /// </summary>
    public static bool DrawHelicity(PipelineResults results, string path)
    {
        var curves = results.Curves.Where(c => c.Helicity is not null).Select(c => new TemperatureSeries(c.Size, c.Temperatures, c.Helicity!)).ToArray();
        if (curves.Length == 0) return false;
        HelicityFigure.Save(curves, path, FlowSeries(results, "helicity"), ReferenceOf(results), "flow + latent HMC", results.Model is XyModel ? "XY model" : results.Model.Name);
        return true;
    }

    private static TemperatureSeries[] FlowSeries(PipelineResults results, string observable) =>
        results.Entries.Where(e => e.Observable == observable).GroupBy(e => e.Size).Select(g =>
        {
            var points = g.OrderBy(e => e.Temperature).ToArray();
            return new TemperatureSeries(g.Key, points.Select(e => e.Temperature).ToArray(), points.Select(e => e.Flow).ToArray());
        }).ToArray();

    // Ising references are Swendsen–Wang, clock and XY ones Wolff (PipelineOptions.ReferenceAlgorithm).
    private static string ReferenceOf(PipelineResults results) => results.Model is IsingModel ? "Swendsen–Wang" : "Wolff";

    /// <summary>
    /// Fig. 5 of a run: the Swendsen–Wang ⟨m²⟩ curves, the base-size input data the first flow is trained on (rung 1;
    /// deeper rungs of the input ladder are in the report) and the flow's ⟨m²⟩ at every level.
    /// </summary>
    public static void DrawStructureFactor(PipelineResults results, string path)
    {
        var references = results.Curves.Select(c => new TemperatureSeries(c.Size, c.Temperatures, c.M2)).ToArray();
        var direct = results.Inputs.Where(i => i.Rung == 1).ToArray();
        var inputs = direct.Length == 0 ? null
            : new TemperatureSeries(direct[0].Size, direct.Select(i => i.Temperature).ToArray(), direct.Select(i => i.M2).ToArray());
        StructureFactorFigure.Save(references, inputs, FlowSeries(results, "m2"), path, ReferenceOf(results));
    }

    /// <summary>Loss per site against step for every trained flow, with its exact bound.</summary>
    public static void DrawTraining(PipelineResults results, string path) =>
        TrainingCurvesFigure.Save(results.Training.Select(h => new TrainingCurve(string.Create(Inv, $"Flow_{h.InputSize} at T = {h.Temperature:F4}"), h.LossPerSite, h.BoundPerSite)).ToArray(), path);

    /// <summary>
    /// Fig. 4 of a run: ⟨m²⟩ against latent-HMC step on the first level's lattice at the target temperature nearest T_c,
    /// with that point's Swendsen–Wang value as the ground truth.
    /// </summary>
    public static void DrawConvergence(PipelineResults results, string path)
    {
        var traces = results.Traces;
        if (traces.Count == 0) return;
        int size = traces.Min(t => t.Size);
        // Nearest the transition: T_c where it is known exactly, else the middle target (the presets centre theirs on it).
        var first = traces.Where(t => t.Size == size).OrderBy(t => t.Temperature).ToArray();
        double transition = results.Model.CriticalTemperature ?? first[first.Length / 2].Temperature;
        var trace = first.MinBy(t => Math.Abs(t.Temperature - transition))!;
        var entry = results.Entries.FirstOrDefault(e => e.Size == size && e.Temperature == trace.Temperature && e.Observable == "m2");
        var truth = entry?.Reference ?? new Estimate(double.NaN, double.NaN, double.NaN);
        var curve = new ConvergenceCurve(trace.M2, trace.Error, trace.ConvergedStep, 1);
        ConvergenceFigure.Save([("super-resolution flow, chains from z ~ p_z", curve)], truth,
            string.Create(Inv, $"Latent HMC on {size}×{size} at T = {trace.Temperature:F4} (first {trace.WarmUp} steps: warm-up)"), path, ReferenceOf(results));
    }

    /// <summary>"n" when every level has the same value, else "n₁/n₂/… (levels 1…k)".</summary>
    private static string PerLevel(PipelineOptions o, Func<int, int> value)
    {
        var values = Enumerable.Range(1, o.Levels).Select(value).ToArray();
        return values.Distinct().Count() == 1 ? values[0].ToString(Inv) : $"{string.Join("/", values)} (levels 1…{o.Levels})";
    }

    /// <summary>The report as Markdown.</summary>
    public static string Markdown(PipelineOptions o, RunFolder run, PipelineResults results)
    {
        var md = new StringBuilder();
        md.AppendLine("# SpinFlow pipeline report").AppendLine();
        var (refName, refShort) = ReferenceNames(o);
        md.AppendLine(Inv, $"Preset `{o.Preset}`{(o.Model is IsingModel ? "" : $", model {o.Model.Name}")}: super-resolution {string.Join(" → ", Enumerable.Range(0, o.Levels + 1).Select(o.SizeAt))} at T = " +
            $"{string.Join(", ", o.Temperatures.Select(t => t.ToString("F4", Inv)))}; seed {o.Seed}.").AppendLine();
        md.AppendLine("What ran, per target temperature T: the input temperature T_ξ from approximate temperature rescaling " +
            $"({2 * o.BaseSize}×{2 * o.BaseSize} blocked to {o.BaseSize}×{o.BaseSize}, {o.RescaleSweeps} {refName} sweeps per grid point" +
            (MonteCarlo.EnergyCurve.HasExact(o.Model) ? "" : $", matched against the {o.BaseSize}×{o.BaseSize} energy curve measured by {refName} with the same sweeps, its errors carried into T_ξ") + "); " +
            $"{o.DataSamples} relaxed configurations ξ at T_ξ (exact sampler); Flow_{o.BaseSize} trained {o.TrainSteps} steps " +
            $"(batch {o.Batch}, lr {o.LearningRate.ToString("G3", Inv)}, γ = {o.Gamma.ToString("G4", Inv)} for {o.GammaSteps} steps; {o.Architecture.Name} flow {o.Architecture.Bijector}, {o.Architecture.FineLayers} + {o.Architecture.CoarseLayers} layers); " +
            $"every later Flow_L started from Flow_L/2 and trained {o.TransferSteps} steps on {o.GeneratedSamples} configurations generated by the stack below (transfer learning" +
            (o.InputLadder ? "; the stack below fed with ξ at the next rung of the input ladder, so that its output stands for that lattice at T_ξ, as blocking predicts" : "") +
            (o.ConstantSitesPerBatch ? $"; batch {PerLevel(o, o.BatchAt)}: the same number of sites per step" : "") + "); " +
            $"at every level, latent HMC through the whole stack ({o.Chains} chains from z ~ p_z" +
            (o.WarmStart ? " at level 1 and from the final latents of the level below, with fresh noises, at later levels" : "") +
            (o.InputLadder ? ", ξ at level k from the input ladder T_ξ⁽ᵏ⁾ = R^k(T), R the measured rescaling map (table below)" : "") +
            $", {PerLevel(o, o.WarmUpAt)} warm-up trajectories with step-size tuning, " +
            $"{PerLevel(o, o.TrajectoriesAt)} measured, {o.LeapfrogSteps} leapfrog steps" +
            (o.MassPerLevel ? "; halfway through the warm-up each latent level (ξ, each flow's noises) gets the scale 1/√κ of its measured curvature κ relative to the finest noises" +
                (o.FourierMass ? $" — one per shell of wave vectors on the level's grids ({SuperResolution.LatentHmcSampler.FourierShells} shells of λ(q) = 4 − 2 cos q_x − 2 cos q_y), so that the soft long-wavelength modes of ξ move farther than its stiff staggered ones" : "") +
                (o.LevelSizeWeighting > 0 ? string.Create(Inv, $", times (n_finest / n_k)^{o.LevelSizeWeighting:G3} for a level of n_k latent values") : "") +
                ", then ε is tuned again" : "") +
            (o.SpinSweeps > 0 ? $"; after every trajectory {o.SpinSweeps} Metropolis sweep{(o.SpinSweeps == 1 ? "" : "s")} of the generated lattice's spins{(o.SpinClusters > 0 ? $" and {o.SpinClusters} Wolff cluster reflection{(o.SpinClusters == 1 ? "" : "s")}" : "")} (x = F(z), s | x, sweeps, x | s, z = F⁻¹(x): exact, it leaves π_x invariant)" : "") +
            ") with observables from the improved estimators; " +
            $"{refName} references with {o.ReferenceSweeps} sweeps at every size.").AppendLine();
        md.AppendLine("Latent HMC is exact for any flow (its target is π_x pulled back through the flow), so every row should agree with " +
            $"{refName} within its error bars; training only decides how fast the chains mix. Error bars are one standard error: " +
            "the larger of Sokal's (τ_int of the chain-averaged series) and the spread of the per-chain " +
            "means (chains are independent, so the latter also sees chains that stay near their start). A warm-up that is too short for the chains to " +
            "forget z ~ p_z shows up as a deviation, not as a smaller error; the drift column compares ⟨m²⟩ of the second half of the " +
            "measured trajectories with the first half (|drift| ≳ 3σ: the chains were still moving, so the error bar understates the uncertainty). " +
            $"The converged column is each sampling stage's verdict: **no** when split-R̂ over the chains exceeds {ConvergenceDiagnostics.MaxRHat}, " +
            $"|drift| exceeds {ConvergenceDiagnostics.MaxDriftSigma}σ, the effective sample size is below {ConvergenceDiagnostics.MinEss} or Sokal's window was not reached " +
            "(any of ⟨e⟩, ⟨m²⟩, ⟨|m|⟩); the reasons are listed below the table.").AppendLine();

        md.AppendLine("## ⟨m²⟩ and ⟨e⟩ per size and temperature").AppendLine();
        md.AppendLine($"| L | T | ⟨m²⟩ flow | ⟨m²⟩ {refShort} | dev (σ) | ⟨e⟩ flow | ⟨e⟩ {refShort} | ⟨e⟩ exact | dev (σ) | acceptance | τ_int(m²) | drift (σ) | wall (s) | converged |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var g in results.Entries.GroupBy(e => (e.Size, e.Temperature)).OrderBy(g => g.Key.Size).ThenBy(g => g.Key.Temperature))
        {
            var m2 = g.First(e => e.Observable == "m2");
            var e = g.First(e => e.Observable == "energy");
            md.AppendLine(Inv, $"| {g.Key.Size} | {g.Key.Temperature:F4} | {Pm(m2.Flow)} | {Pm(m2.Reference)} | {Sigma(m2.DeviationSigma)} | " +
                $"{Pm(e.Flow)} | {Pm(e.Reference)} | {Exact(e.Exact)} | {Sigma(e.DeviationSigma)} | {m2.Acceptance:F3} | {m2.TauInt:F1} | {Sigma(m2.DriftSigma)} | {m2.Seconds:F1} | {Converged(m2.Converged)} |");
        }
        if (results.Entries.Count == 0) md.AppendLine("| – | no sampling stage finished yet | | | | | | | | | | | |");
        md.AppendLine();
        var unconverged = results.Entries.Where(e => e.Observable == "m2" && e.Converged == false).OrderBy(e => e.Size).ThenBy(e => e.Temperature).ToArray();
        if (unconverged.Length > 0)
        {
            md.AppendLine("**Not converged** (do not use these error bars; rows marked **no** above):").AppendLine();
            foreach (var u in unconverged)
                md.AppendLine(Inv, $"- L = {u.Size}, T = {u.Temperature:F4}: {string.Join("; ", u.Warnings ?? [])}");
            md.AppendLine();
        }
        if (results.Entries.Any(e => e.Converged is null))
            md.AppendLine("Rows marked ? come from stage records written before the convergence verdict existed.").AppendLine();
        var dev = results.Entries.Where(e => e.Observable == "m2" && Math.Abs(e.DeviationSigma) > 2).ToArray();
        md.AppendLine(dev.Length == 0
            ? $"Every ⟨m²⟩ agrees with {refName} within 2σ (combined)."
            : $"⟨m²⟩ outside 2σ (combined) at: {string.Join("; ", dev.Select(d => string.Create(Inv, $"L = {d.Size}, T = {d.Temperature:F4} ({d.DeviationSigma:+0.0;-0.0}σ)")))}. " +
              "With many rows a few beyond 2σ are expected (5 % each); large deviations at small acceptance or large τ_int point to chains that had not forgotten their start.");
        md.AppendLine();
        AngleTable(md, results, refName, refShort);

        BinderSection(md, results, refShort);
        CostSection(md, results, refName, refShort);

        if (results.Inputs.Count > 0)
        {
            md.AppendLine("## Inputs").AppendLine();
            if (o.InputLadder)
                md.AppendLine(Inv, $"Rung k holds ξ at T_ξ⁽ᵏ⁾ = R^k(T), fed to the stack at level k (latent-HMC start, and the training input of level k + 1 when generated); " +
                    $"blocking predicts its ⟨m²⟩ to be near the {refName} ⟨m²⟩ of the {o.BaseSize}·2^k lattice at T.").AppendLine();
            md.AppendLine("| T | rung | T_ξ | L | ⟨m²⟩ of ξ (at T_ξ) |").AppendLine("|---|---|---|---|---|");
            foreach (var i in results.Inputs) md.AppendLine(Inv, $"| {i.Temperature:F4} | {i.Rung} | {i.InputTemperature:F4} | {i.Size} | {Pm(i.M2)} |");
            md.AppendLine();
        }

        md.AppendLine("## Wall time per stage").AppendLine();
        md.AppendLine("| stage | kind | seconds |").AppendLine("|---|---|---|");
        foreach (var s in results.Stages) md.AppendLine(Inv, $"| {s.Stage} | {s.Kind} | {s.Seconds:F1} |");
        md.AppendLine(Inv, $"| **total** | | **{results.Stages.Sum(s => s.Seconds):F1}** |").AppendLine();
        md.AppendLine("## Files").AppendLine();
        md.AppendLine("- `results.json`: the table above as data (one entry per size, temperature and observable, with `flow`, `reference`, `deviation_sigma`), plus inputs, reference curves, HMC traces, training losses and stage times.");
        md.AppendLine("- `fig2-rescaling.png` (temperature rescaling), `fig4-convergence.png` (⟨m²⟩ against latent-HMC step), `fig5-structure-factor.png` (⟨m²⟩ against T per size), " +
            (results.Curves.Any(c => c.Helicity is not null) ? "`fig-helicity.png` (Υ against T per size, with 2T/π), " : "") +
            (results.Entries.Select(e => e.Size).Distinct().Count() >= 3 ? "`fig-size-m2.png` and `fig-size-binder.png` (⟨m²⟩ and U₄ against L per temperature), " : "") +
            "`training-curves.png`; redraw any of them with `spinflow plot --run DIR`.");
        md.AppendLine("- `flows/*.ckpt` (trained flows), `data/*.h5` (inputs ξ and generated configurations), `stages/*.json` (one record per finished stage; `--resume` skips those).");
        return md.ToString();
    }

    /// <summary>Clock and XY: Υ and the vortex density per size and temperature, flow against the reference chain.</summary>
    private static void AngleTable(StringBuilder md, PipelineResults results, string refName, string refShort)
    {
        var rows = results.Entries.Where(e => e.Observable == "helicity").OrderBy(e => e.Size).ThenBy(e => e.Temperature).ToArray();
        if (rows.Length == 0) return;
        md.AppendLine("## Υ and vortex density per size and temperature").AppendLine();
        md.AppendLine("The helicity modulus Υ (from one spin draw s | x per chain and trajectory, exact) jumps from near 2T/π to 0 at T_BKT as L → ∞; " +
            "the vortex density counts vortices and antivortices per site. Errors as above.").AppendLine();
        md.AppendLine($"| L | T | Υ flow | Υ {refShort} | dev (σ) | vortex density flow | vortex density {refShort} | dev (σ) | 2T/π | converged |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var h in rows)
        {
            var v = results.Entries.First(e => e.Observable == "vortex_density" && e.Size == h.Size && e.Temperature == h.Temperature);
            md.AppendLine(Inv, $"| {h.Size} | {h.Temperature:F4} | {Pm(h.Flow)} | {Pm(h.Reference)} | {Sigma(h.DeviationSigma)} | " +
                $"{Pm(v.Flow)} | {Pm(v.Reference)} | {Sigma(v.DeviationSigma)} | {2 * h.Temperature / Math.PI:F5} | {Converged(h.Converged)} |");
        }
        md.AppendLine();
        var dev = results.Entries.Where(e => e.Observable is "helicity" or "vortex_density" && Math.Abs(e.DeviationSigma) > 2).ToArray();
        md.AppendLine(dev.Length == 0
            ? $"Every Υ and vortex density agrees with {refName} within 2σ (combined)."
            : $"Outside 2σ (combined): {string.Join("; ", dev.Select(d => string.Create(Inv, $"{(d.Observable == "helicity" ? "Υ" : "vortex density")} at L = {d.Size}, T = {d.Temperature:F4} ({d.DeviationSigma:+0.0;-0.0}σ)")))}.");
        md.AppendLine();
    }

    /// <summary>The reference chain's name in prose and in table headers: Swendsen–Wang (SW) for Ising, Wolff for clock and XY.</summary>
    private static (string Long, string Short) ReferenceNames(PipelineOptions o) =>
        o.ReferenceAlgorithm == MonteCarlo.SpinAlgorithm.SwendsenWang ? ("Swendsen–Wang", "SW") : ("Wolff", "Wolff");

    private static string Exact(double v) => double.IsFinite(v) ? v.ToString("F6", Inv) : "–";

    /// <summary>The Binder cumulant per size and temperature against the reference chain (where the records have it).</summary>
    private static void BinderSection(StringBuilder md, PipelineResults results, string refShort)
    {
        var rows = results.Entries.Where(e => e.Observable == "binder").OrderBy(e => e.Size).ThenBy(e => e.Temperature).ToArray();
        if (rows.Length == 0) return;
        md.AppendLine("## Binder cumulant U₄ = 1 − ⟨m⁴⟩ / 3⟨m²⟩² per size and temperature").AppendLine();
        md.AppendLine($"| L | T | U₄ flow | U₄ {refShort} | dev (σ) | ESS |").AppendLine("|---|---|---|---|---|---|");
        foreach (var e in rows)
            md.AppendLine(Inv, $"| {e.Size} | {e.Temperature:F4} | {Pm(e.Flow)} | {Pm(e.Reference)} | {Sigma(e.DeviationSigma)} | {Number(e.Ess)} |");
        md.AppendLine();
    }

    /// <summary>The cost per effective sample beside the reference chain, and where each sampling stage's time went.</summary>
    private static void CostSection(StringBuilder md, PipelineResults results, string refName, string refShort)
    {
        var rows = results.Entries.Where(e => e.Cost is not null).OrderBy(e => e.Size).ThenBy(e => e.Temperature).ThenByDescending(e => e.Observable).ToArray();
        if (rows.Length == 0) return;
        md.AppendLine("## Cost per effective sample").AppendLine();
        md.AppendLine("Flow: the sampling stage's wall time (warm-up, mass adaptation and spin moves included) × 2τ / (chains × measured trajectories), " +
            "τ in trajectories the larger of Sokal's τ_int and the one implied by the effective sample size over the chains, " +
            "chains × trajectories / (2 ESS) (marked ESS: the chains disagree, so Sokal's τ would make the run look cheaper than it is). " +
            $"{refName}: the reference stage's wall time shared equally by its temperatures (they run side by side; warm-up sweeps included) " +
            $"per measured sweep × 2τ_int (sweeps), on the same lattice in the same run. Ratio: flow over {refName}.").AppendLine();
        md.AppendLine($"| L | T | observable | τ flow (traj.) | s / eff. sample flow | τ {refShort} (sweeps) | s / eff. sample {refShort} | ratio |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var e in rows)
        {
            var c = e.Cost!;
            md.AppendLine(Inv, $"| {e.Size} | {e.Temperature:F4} | {(e.Observable == "m2" ? "⟨m²⟩" : "⟨e⟩")} | {c.Tau:F1}{(c.TauFromEss ? " (ESS)" : "")} | " +
                $"{Number(c.Seconds)} | {c.ReferenceTau:F1} | {Number(c.ReferenceSeconds)} | {Number(c.Ratio)} |");
        }
        md.AppendLine();
        var timed = results.Entries.Where(e => e.Times is not null).OrderBy(e => e.Size).ThenBy(e => e.Temperature).ToArray();
        if (timed.Length == 0) return;
        md.AppendLine("### Where the sampling time goes").AppendLine();
        md.AppendLine("Seconds of each part of latent HMC (timed around whole calls); flow passes per level: forward / inverse / backward seconds of each flow of the stack (Flow at the coarsest size first), over the whole stage.").AppendLine();
        var names = SuperResolution.SamplingTimes.LatentHmcParts;
        md.AppendLine("| L | T | total (s) | " + string.Join(" | ", names.Select(n => n.Name)) + " | flow passes per level (fwd/inv/bwd s) |");
        md.AppendLine("|---|---|---|" + string.Concat(names.Select(_ => "---|")) + "---|");
        foreach (var e in timed)
        {
            var t = e.Times!;
            string levels = t.Levels is { } l
                ? string.Join("; ", Enumerable.Range(0, l.Forward.Length).Select(k => string.Create(Inv, $"{k + 1}: {l.Forward[k]:F1}/{l.Inverse[k]:F1}/{l.Backward[k]:F1}")))
                : "–";
            string parts = string.Join(" | ", names.Select(n => t[n.Name].ToString("F1", Inv)));
            md.AppendLine(string.Create(Inv, $"| {e.Size} | {e.Temperature:F4} | {t.Total:F1} | ") + parts + $" | {levels} |");
        }
        md.AppendLine();
        md.AppendLine("Parts: " + string.Join("; ", names.Select(n => $"`{n.Name}` {n.Meaning}")) + ".").AppendLine();
    }

    private static string Number(double v) => double.IsFinite(v) ? v.ToString(v >= 100 ? "G4" : "G3", Inv) : "–";

    private static string Converged(bool? c) => c switch { true => "yes", false => "**no**", null => "?" };

    private static string Pm(Estimate e) => double.IsFinite(e.Mean) ? string.Create(Inv, $"{e.Mean:F5} ± {e.Error:F5}") : "–";

    private static string Sigma(double s) => double.IsFinite(s) ? s.ToString("+0.00;-0.00", Inv) : "–";
}
