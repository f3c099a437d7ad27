using System.CommandLine;
using System.Text.Json.Nodes;
using SpinFlow.Exact;
using SpinFlow.Hmc;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;

namespace SpinFlow.Cli.Commands;

/// <summary>
/// <c>spinflow sample</c>: exact sampling of a relaxed spin model through trained flows, by latent HMC (any model) or by
/// flow Metropolis with a Swendsen–Wang-driven base chain (Ising), with the observables table of the output lattice.
/// </summary>
public static class SampleCommand
{
    private const string LatentHmc = LatentHmcSampler.Method, FlowMh = FlowMetropolisSampler.Method;
    // flow-mh defaults: mostly local pCN moves, which are accepted often even where the all-fresh cluster proposal of
    // a trained flow is accepted well below 1 % of the time; the rare cluster moves still carry ξ far.
    private const double DefaultClusterMove = 0.1, DefaultInputMove = 0.45, DefaultRho = 0.95;

    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var flowOption = new Option<string>("--flow", "-f")
        {
            Description = "Checkpoint, or a comma-separated stack Flow_L0,Flow_2L0,… of superres checkpoints (an NNRG checkpoint may come first, then no --input)",
            Required = true,
        };
        var input = new Option<string?>("--input", "-i") { Description = "Data set of L0×L0 input configurations ξ (HDF5 from 'spinflow relaxed --out'); superres flows only" };
        var temperature = CommonOptions.Temperature("Temperature T_x of the output lattice: one value, or 'tc'");
        var method = new Option<string>("--method", "-m") { Description = "latent-hmc | flow-mh (flow-mh needs superres flows)", DefaultValueFactory = _ => LatentHmc };
        var samples = new Option<int>("--samples", "-n") { Description = "Measured trajectories (latent-hmc) or steps (flow-mh) per chain", DefaultValueFactory = _ => 1000 };
        var chains = new Option<int>("--chains") { Description = "Independent chains advanced together", DefaultValueFactory = _ => 16 };
        var warmup = new Option<int?>("--warmup") { Description = "Trajectories or steps per chain discarded first, step-size tuning included (default: 10% of --samples, at least 100)" };
        var hmcSteps = new Option<int?>("--hmc-steps") { Description = "Leapfrog steps per trajectory (latent-hmc; default 10)" };
        var hmcStepSize = new Option<double?>("--hmc-step-size") { Description = "Fixed leapfrog step size ε (latent-hmc; default: tuned during warm-up, then frozen)" };
        var massPerLevel = new Option<bool>("--mass-per-level")
        {
            Description = "latent-hmc through superres flows: adapt a mass per latent level (ξ, each flow's noises) halfway through the warm-up, from the measured curvature",
        };
        var fourierMass = new Option<bool>("--fourier-mass")
        {
            Description = "latent-hmc with --mass-per-level: make each level's mass diagonal in Fourier space, one scale per shell of wave vectors (the soft long-wavelength modes of ξ, which carry the magnetisation, take larger steps)",
        };
        var levelWeighting = new Option<double?>("--level-size-weighting")
        {
            Description = "latent-hmc with --mass-per-level: scale of level k × (n_finest / n_k)^w; 0.25 gives every level the same share of the energy error (default 0)",
        };
        var spinSweeps = new Option<int>("--spin-sweeps")
        {
            Description = "latent-hmc: Metropolis sweeps of the output lattice's spins after every trajectory (x = F(z), s | x, sweeps, x | s, z = F⁻¹(x); exact; default 0)",
            DefaultValueFactory = _ => 0,
        };
        var spinClusters = new Option<int>("--spin-clusters")
        {
            Description = "latent-hmc with --spin-sweeps, clock and xy: Wolff cluster reflections of the spins after the sweeps of every spin move; they change the winding of the angle field, which local sweeps keep (exact; default 0)",
            DefaultValueFactory = _ => 0,
        };
        var inputTemperature = new Option<double?>("--input-temperature") { Description = "T_ξ of the base chain (flow-mh; default: the data set's temperature)" };
        var clusterMove = new Option<double?>("--cluster-move-probability")
        {
            Description = $"flow-mh: probability of the global Swendsen–Wang move with fresh noises per step (1: the original all-fresh sampler; default {DefaultClusterMove})",
        };
        var inputMove = new Option<double?>("--input-move-probability")
        {
            Description = $"flow-mh: probability of the pCN move of ξ at fixed spins; the rest goes to the pCN move of the noises (default {DefaultInputMove}, 0 when --cluster-move-probability is 1)",
        };
        var pcnRho = new Option<double?>("--pcn-rho") { Description = $"flow-mh: pCN correlation ρ ∈ [0, 1) of the local moves; larger means smaller moves (default {DefaultRho})" };
        var model = CommonOptions.Model("Spin model (default: the one the checkpoints were trained on; given, it must agree): " + SpinModel.ValidNames);
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads("Flow threads; results do not depend on it");
        var trace = new Option<string?>("--trace") { Description = "Write the chain mean of E[m² | x] after every trajectory or step, warm-up included, as JSON" };
        var output = new Option<string?>("--out") { Description = "Write the final configuration x of every chain to this HDF5 file (dataset 'x', float32 [chains, L, L])" };
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();

        var command = new Command("sample", "Exact samples of a relaxed spin model through flows: latent HMC or flow Metropolis (Ising), with the observables of the output lattice")
        {
            flowOption, input, temperature, method, samples, chains, warmup, hmcSteps, hmcStepSize, massPerLevel, fourierMass, levelWeighting, spinSweeps, spinClusters, inputTemperature, clusterMove, inputMove, pcnRho, model, seed, threads, trace, output, json, force,
        };
        command.SetAction(parse =>
        {
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!);
            if (temperatures.Length != 1) throw new UsageException("sample takes a single temperature");
            double tx = temperatures[0];
            string kind = parse.GetValue(method)!;
            if (kind is not (LatentHmc or FlowMh)) throw new UsageException($"unknown --method '{kind}': expected latent-hmc or flow-mh");
            int n = parse.GetValue(samples), c = parse.GetValue(chains), threadCount = parse.GetValue(threads);
            if (n < 4) throw new UsageException($"--samples must be at least 4 (error bars), got {n}");
            if (c < 1) throw new UsageException($"--chains must be at least 1, got {c}");
            int w = parse.GetValue(warmup) ?? Math.Max(100, n / 10);
            if (w < 0) throw new UsageException($"--warmup must be non-negative, got {w}");
            int? steps = parse.GetValue(hmcSteps);
            double? eps = parse.GetValue(hmcStepSize);
            double? txi = parse.GetValue(inputTemperature);
            if (kind == FlowMh && (steps is not null || eps is not null)) throw new UsageException("--hmc-steps and --hmc-step-size apply to --method latent-hmc only");
            if (kind == LatentHmc && txi is not null) throw new UsageException("--input-temperature applies to --method flow-mh only");
            if (kind == FlowMh && parse.GetValue(massPerLevel)) throw new UsageException("--mass-per-level applies to --method latent-hmc only (flow-mh has no latent momenta)");
            if (kind == FlowMh && parse.GetValue(spinSweeps) != 0) throw new UsageException("--spin-sweeps applies to --method latent-hmc only");
            if (parse.GetValue(spinClusters) < 0) throw new UsageException("--spin-clusters must be non-negative");
            if (parse.GetValue(spinClusters) > 0 && parse.GetValue(spinSweeps) == 0) throw new UsageException("--spin-clusters needs --spin-sweeps (the clusters are part of the spin move)");
            if (parse.GetValue(fourierMass) && !parse.GetValue(massPerLevel)) throw new UsageException("--fourier-mass needs --mass-per-level");
            double? weighting = parse.GetValue(levelWeighting);
            if (weighting is not null && !parse.GetValue(massPerLevel)) throw new UsageException("--level-size-weighting needs --mass-per-level");
            if (weighting is double wt && !(wt >= 0 && wt <= 0.5)) throw new UsageException($"--level-size-weighting must lie in [0, 0.5], got {Format.Number(wt)}");
            double? pCluster = parse.GetValue(clusterMove), pInput = parse.GetValue(inputMove), rho = parse.GetValue(pcnRho);
            if (kind == LatentHmc && (pCluster is not null || pInput is not null || rho is not null))
                throw new UsageException("--cluster-move-probability, --input-move-probability and --pcn-rho apply to --method flow-mh only");
            FlowMetropolisMoves? moves = null;
            if (kind == FlowMh)
            {
                double pc = pCluster ?? DefaultClusterMove;
                // Asking for cluster moves only must not fail on the default input-move share.
                double pi = pInput ?? (pc >= 1 ? 0 : Math.Min(DefaultInputMove, 1 - pc));
                // Bad values throw ArgumentOutOfRangeException, which the CLI reports as a one-line usage error.
                moves = new FlowMetropolisMoves(pc, pi, rho ?? DefaultRho);
            }
            if (steps is < 1) throw new UsageException($"--hmc-steps must be at least 1, got {steps}");
            if (eps is double e0 && !(e0 > 0 && double.IsFinite(e0))) throw new UsageException($"--hmc-step-size must be positive, got {Format.Number(e0)}");
            if (txi is double t0 && !(t0 > 0 && double.IsFinite(t0))) throw new UsageException($"--input-temperature must be positive and finite, got {Format.Number(t0)}");

            string[] paths = CommandLists.Paths("--flow", parse.GetValue(flowOption)!);
            string? tracePath = parse.GetValue(trace), outPath = parse.GetValue(output), jsonPath = parse.GetValue(json);
            new FilePlan(parse.GetValue(force)).Inputs("--flow", paths).Input("--input", parse.GetValue(input))
                .Output("--trace", tracePath).Output("--out", outPath).Output("--json", jsonPath).Check();
            var setup = FlowStackLoader.Load(paths, parse.GetValue(input), model: CommonOptions.ModelOrNull(parse, model));
            // Flow Metropolis drives ξ with an Ising Swendsen–Wang base chain; clock and XY have no such chain here.
            if (kind == FlowMh && setup.Model is not IsingModel)
                throw new UsageException($"--method flow-mh samples Ising flows only (its base chain is Swendsen–Wang on Ising inputs); for --model {setup.Model.Name} use --method latent-hmc");
            if (kind == FlowMh && setup.Data is null) throw new UsageException("flow-mh needs superres flows and --input (its base chain runs on the data set's lattice)");
            setup.Flow.Threads = threadCount == 0 ? Environment.ProcessorCount : threadCount;
            MemoryBudget.Check("--chains × --samples", MemoryBudget.ChainBytes(setup.Flow.Size, c, n + w) * setup.Flow.Channels);

            int size = setup.Flow.Size;
            string description = $"sample {kind} {(setup.Model is IsingModel ? "" : setup.Model.Name + " ")}{size}×{size} T={Format.Number(tx, "G5")}";
            FlowSamplerResult r;
            if (kind == LatentHmc)
            {
                var hmc = new HmcOptions
                {
                    LeapfrogSteps = steps ?? 10,
                    StepSize = eps ?? 0.1,
                    TuneStepSize = eps is null,
                    MaxDegreeOfParallelism = threadCount,
                };
                var sampler = new LatentHmcSampler(setup.Flow, setup.Latent, RelaxedModels.Create(setup.Model, size, tx),
                    new LatentHmcOptions(c, w, n, hmc, parse.GetValue(seed), massPerLevel: parse.GetValue(massPerLevel), spinSweeps: parse.GetValue(spinSweeps),
                        levelSizeWeighting: weighting ?? 0, fourierMass: parse.GetValue(fourierMass), spinClusters: parse.GetValue(spinClusters)));
                r = cli.WithProgress(description, progress => sampler.Run(progress));
            }
            else
            {
                var data = setup.Data!.Value;
                double inputT = txi ?? data.Metadata.Temperature;
                var sampler = new FlowMetropolisSampler(setup.Flow, (SuperResolutionLatent)setup.Latent, tx, new FlowMetropolisOptions(c, inputT, w, n, parse.GetValue(seed), moves),
                    inputShift: txi is null ? data.Metadata.Shift : null);
                r = cli.WithProgress(description, progress => sampler.Run(progress));
            }

            double samplesTaken = (double)n * c;
            double costPerEffective = EffectiveSampleCost.Seconds(r.Elapsed.TotalSeconds, EffectiveSampleCost.Tau(r.TauM2.Tau, r.Convergence.Observables.M2.Ess, samplesTaken), samplesTaken);
            Print(cli, size, tx, n, c, w, parse.GetValue(seed), parse.GetValue(spinSweeps), parse.GetValue(spinClusters), r, costPerEffective, setup);
            if (tracePath is not null) ResultJson.Save(tracePath, TraceJson(kind, size, tx, w, r.M2Trace));
            if (outPath is not null)
                RelaxedConfigurationFile.Write(outPath, r.FinalConfigurations, c, new RelaxedConfigurationMetadata(size, tx, r.Shift, kind, parse.GetValue(seed), c, setup.Model.Name));
            if (jsonPath is not null) ResultJson.Save(jsonPath, ResultNode(setup.Model, size, tx, n, c, w, parse.GetValue(seed), parse.GetValue(spinSweeps), parse.GetValue(spinClusters), r, costPerEffective, paths));
            return 0;
        });
        return command;
    }

    private static void Print(CliContext cli, int size, double tx, int n, int c, int w, ulong seed, int spinSweeps, int spinClusters, FlowSamplerResult r, double cost, FlowStackSetup setup)
    {
        string unit = r.LatentHmc is not null ? "trajectories" : "steps";
        cli.Out.WriteLine($"flows: {setup.Description}");
        var model = setup.Model;
        var table = ObservablesTable.Create(
            $"sample {r.Method}{(model is IsingModel ? "" : $" {model.Name}")}: L = {size}, T = {Format.Number(tx, "G8")}, {n} {unit} × {c} chains after {w} warm-up, seed {seed}",
            r.Observables, model is IsingModel ? ExactReference.For(size, tx) : ClockExact.Reference(model, size, tx), unit, r.Convergence);
        if (r.Angle is { } angle) ObservablesTable.AddAngleRows(table, angle, r.Convergence);
        cli.Console.Write(table);
        if (r.LatentHmc is { } hmc)
        {
            cli.Out.WriteLine($"latent HMC: acceptance {Format.Number(r.Acceptance, "F3")}, step size {Format.Number(hmc.StepSize, "G4")}");
            if (hmc.LevelScale is { Length: > 0 } scale)
                cli.Out.WriteLine($"scale per latent level (ξ first; step = ε × scale{(hmc.ShellScale is null ? "" : ", root mean square over the level's modes")}): {string.Join(", ", scale.Select(v => Format.Number(v, "F3")))}");
            if (hmc.ShellScale is { } shells)
                cli.Out.WriteLine($"scale per shell of wave vectors (q = 0 first), per level: {string.Join("; ", shells.Select(level => string.Join(" ", level.Select(v => Format.Number(v, "F2")))))}");
            if (r.AcceptanceOf(LatentHmcSampler.SpinMove) is { } spin)
                cli.Out.WriteLine($"spin moves: {spinSweeps} Metropolis sweeps{(spinClusters > 0 ? $" and {spinClusters} Wolff cluster reflections" : "")} after every trajectory, acceptance {Format.Number(spin.Rate, "F3")}, " +
                    $"largest |F(F⁻¹(x)) − x| {Format.Number(hmc.SpinMoveRoundTrip, "G3")}");
            if (hmc.Times is { } times) cli.Out.WriteLine(TimeLine(times));
            cli.Out.WriteLine(double.IsNaN(r.WeightEss)
                ? "flow importance-weight ESS: not available (no density for the latent prior)"
                : $"flow importance-weight ESS per draw: {Format.Number(r.WeightEss, "G3")} (from the {c} starting draws z ~ p_z; rough)");
        }
        else if (r.FlowMetropolis is { } mh)
        {
            cli.Out.WriteLine($"flow Metropolis: acceptance {Format.Number(r.Acceptance, "F3")}, base chain at T_ξ = {Format.Number(mh.InputTemperature, "G6")}, " +
                $"pCN ρ = {Format.Number(mh.Moves.Correlation, "G4")}");
            cli.Out.WriteLine("acceptance per move: " + string.Join(", ", r.MoveAcceptances.Select(a =>
                $"{a.Move} {Format.Number(a.Rate, "F3")} ({a.Proposals} proposals)")));
            long clusterProposals = r.AcceptanceOf(FlowMetropolisMoves.Name(FlowMetropolisMove.Cluster))!.Proposals;
            bool localMoves = mh.Moves.ClusterMoveProbability < 1;
            cli.Out.WriteLine(clusterProposals == 0
                ? "flow importance-weight ESS: not available (no cluster proposals)"
                : $"flow importance-weight ESS per cluster proposal: {Format.Number(r.WeightEss, "G3")} over {clusterProposals} proposals" +
                  (r.WeightEss * clusterProposals < 100 && !localMoves ? " — too few effective weights: error bars and τ_int are likely underestimated" : ""));
        }
        cli.Out.WriteLine($"τ_int ({unit}): e {Format.Number(r.TauEnergy.Tau, "F2")}, m² {Format.Number(r.TauM2.Tau, "F2")}" +
            (r.TauM2.Reliable && r.TauEnergy.Reliable ? "" : " (window not reached: run longer)"));
        cli.Out.WriteLine($"wall time {Format.Number(r.Elapsed.TotalSeconds, "F2")} s; cost per effective m² sample {Format.Number(cost * 1e3, "G4")} ms " +
            "(wall time × 2τ / (samples × chains), τ the larger of τ_int(m²) and samples × chains / 2 ESS)");
        ObservablesTable.WriteVerdict(cli, r.Convergence);
    }

    /// <summary>Where the wall time went, one line: each part's seconds and share, then each flow's forward/inverse/backward seconds.</summary>
    internal static string TimeLine(SamplingTimes times)
    {
        string parts = string.Join(", ", times.Parts.Where(p => p.Seconds > 0.0005 * times.Total)
            .Select(p => $"{p.Name} {Format.Number(p.Seconds, "F1")} s ({Format.Number(100 * p.Seconds / times.Total, "F0")} %)"));
        string levels = times.Levels is { } l
            ? "; per flow (forward/inverse/backward s): " + string.Join(", ", Enumerable.Range(0, l.Forward.Length)
                .Select(k => $"{k + 1}: {Format.Number(l.Forward[k], "F1")}/{Format.Number(l.Inverse[k], "F1")}/{Format.Number(l.Backward[k], "F1")}"))
            : "";
        return $"time ({Format.Number(times.Total, "F1")} s): {parts}{levels}";
    }

    private static JsonObject TraceJson(string kind, int size, double tx, int warmup, double[] m2)
    {
        var values = new JsonArray();
        var steps = new JsonArray();
        for (int t = 0; t < m2.Length; t++)
        {
            steps.Add(t);
            values.Add(ResultJson.Number(m2[t]));
        }
        return new JsonObject
        {
            ["method"] = kind,
            ["size"] = size,
            ["temperature"] = tx,
            // Entry 0 is the starting point, entries 1…warmup follow the warm-up moves, measurement starts at warmup + 1.
            ["warmup"] = warmup,
            ["measured_from"] = warmup + 1,
            ["steps"] = steps,
            ["m2"] = values,
        };
    }

    private static JsonObject ResultNode(SpinModel model, int size, double tx, int n, int c, int w, ulong seed, int spinSweeps, int spinClusters, FlowSamplerResult r, double cost, string[] paths)
    {
        var hmc = r.LatentHmc;
        var mh = r.FlowMetropolis;
        var spin = r.AcceptanceOf(LatentHmcSampler.SpinMove);
        var observables = ResultJson.Observables(r.Observables, r.Convergence);
        if (r.Angle is { } angle)
        {
            observables["helicity"] = ResultJson.Estimate(angle.Helicity);
            observables["vortex_density"] = ResultJson.Estimate(angle.VortexDensity);
        }
        var node = ResultJson.AddConvergence(new()
        {
            ["size"] = size,
            ["temperature"] = tx,
            ["method"] = r.Method,
            ["samples"] = n,
            ["chains"] = c,
            ["warmup"] = w,
            ["seed"] = seed,
            ["measurements"] = (long)n * c,
            ["observables"] = observables,
            ["acceptance"] = ResultJson.Number(r.Acceptance),
            ["step_size"] = hmc is null ? null : ResultJson.Number(hmc.StepSize),
            ["level_scale"] = hmc?.LevelScale is { Length: > 0 } ls ? ResultJson.Numbers(ls) : null,
            ["shell_scale"] = hmc?.ShellScale is { } shellScale ? new JsonArray([.. shellScale.Select(level => (JsonNode?)ResultJson.Numbers(level))]) : null,
            ["shell_curvature"] = hmc?.ShellCurvature is { } shellCurvature ? new JsonArray([.. shellCurvature.Select(level => (JsonNode?)ResultJson.Numbers(level))]) : null,
            ["spin_sweeps"] = spin is null ? null : spinSweeps,
            ["spin_clusters"] = spin is null || spinClusters == 0 ? null : spinClusters,
            ["spin_acceptance"] = spin is null ? null : ResultJson.Number(spin.Rate),
            ["spin_move_round_trip"] = spin is null ? null : ResultJson.Number(hmc!.SpinMoveRoundTrip),
            ["input_temperature"] = mh is null ? null : ResultJson.Number(mh.InputTemperature),
            ["weight_ess"] = ResultJson.Number(r.WeightEss),
            ["moves"] = mh is null ? null : new JsonObject
            {
                ["cluster_move_probability"] = mh.Moves.ClusterMoveProbability,
                ["input_move_probability"] = mh.Moves.InputMoveProbability,
                ["noise_move_probability"] = mh.Moves.NoiseMoveProbability,
                ["pcn_rho"] = mh.Moves.Correlation,
                ["acceptance"] = new JsonObject(r.MoveAcceptances.Select(a => new KeyValuePair<string, JsonNode?>(a.Move, ResultJson.Number(a.Rate)))),
            },
            ["tau_int"] = new JsonObject { ["energy"] = ResultJson.Number(r.TauEnergy.Tau), ["m2"] = ResultJson.Number(r.TauM2.Tau) },
            ["seconds_per_effective_sample"] = ResultJson.Number(cost),
            ["time_breakdown"] = hmc?.Times?.ToJson(),
            ["wall_seconds"] = ResultJson.Number(r.Elapsed.TotalSeconds),
            ["flows"] = new JsonArray(paths.Select(p => (JsonNode?)JsonValue.Create(Path.GetFullPath(p))).ToArray()),
        }, r.Convergence);
        // As in 'mcmc --json': clock and XY results name their model; Ising results keep their shape.
        if (model is not IsingModel) node.Insert(0, "model", model.Name);
        return node;
    }
}
