using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Hmc;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.MonteCarlo;
using SpinFlow.Reporting;
using SpinFlow.Statistics;
using SpinFlow.SuperResolution;

namespace SpinFlow.Cli.Commands;

/// <summary>
/// <c>spinflow compare-convergence</c>: latent HMC through a super-resolution flow and through an NNRG flow with identical
/// HMC settings, ⟨m²⟩ against HMC step for both beside a Swendsen–Wang reference (paper Fig. 4).
/// </summary>
public static class CompareConvergenceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var superres = new Option<string>("--superres") { Description = "Superres checkpoint, or a list Flow_L0,Flow_2L0,… (a stack)", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Data set of L0×L0 input configurations ξ for the superres flow", Required = true };
        var nnrg = new Option<string>("--nnrg") { Description = "NNRG checkpoint on the output lattice", Required = true };
        var temperature = CommonOptions.Temperature("Temperature T_x of the output lattice: one value, or 'tc'");
        var steps = new Option<int>("--steps") { Description = "HMC trajectories per chain (no warm-up: the curves start at z ~ p_z)", DefaultValueFactory = _ => 500 };
        var chains = new Option<int>("--chains") { Description = "Independent chains per flow (at least 2: error bars come from their spread)", DefaultValueFactory = _ => 64 };
        var hmcSteps = new Option<int>("--hmc-steps") { Description = "Leapfrog steps per trajectory, both flows", DefaultValueFactory = _ => 10 };
        var hmcStepSize = new Option<double>("--hmc-step-size") { Description = "Leapfrog step size ε, fixed and the same for both flows", DefaultValueFactory = _ => 0.1 };
        var referenceSweeps = new Option<int>("--reference-sweeps") { Description = "Measured Swendsen–Wang sweeps of the reference (10% more discarded first)", DefaultValueFactory = _ => 20000 };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads("Flow threads");
        var json = CommonOptions.Json();
        var plot = new Option<string?>("--plot") { Description = "Write the figure (⟨m²⟩ versus HMC step, reference band) to this PNG file" };
        var force = CommonOptions.Force();

        var command = new Command("compare-convergence", "Latent HMC through a superres flow and an NNRG flow with the same settings: ⟨m²⟩ versus HMC step against Swendsen–Wang")
        {
            superres, input, nnrg, temperature, steps, chains, hmcSteps, hmcStepSize, referenceSweeps, seed, threads, json, plot, force,
        };
        command.SetAction(parse =>
        {
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!);
            if (temperatures.Length != 1) throw new UsageException("compare-convergence takes a single temperature");
            double tx = temperatures[0];
            int n = parse.GetValue(steps), c = parse.GetValue(chains), sweeps = parse.GetValue(referenceSweeps), threadCount = parse.GetValue(threads);
            int leapfrog = parse.GetValue(hmcSteps);
            double eps = parse.GetValue(hmcStepSize);
            if (n < 4) throw new UsageException($"--steps must be at least 4, got {n}");
            if (c < 2) throw new UsageException($"--chains must be at least 2 (error bars come from the spread over chains), got {c}");
            if (sweeps < 100) throw new UsageException($"--reference-sweeps must be at least 100, got {sweeps}");
            if (leapfrog < 1) throw new UsageException($"--hmc-steps must be at least 1, got {leapfrog}");
            if (!(eps > 0 && double.IsFinite(eps))) throw new UsageException($"--hmc-step-size must be positive, got {Format.Number(eps)}");

            string[] srPaths = CommandLists.Paths("--superres", parse.GetValue(superres)!);
            string? jsonPath = parse.GetValue(json), plotPath = parse.GetValue(plot);
            new FilePlan(parse.GetValue(force)).Inputs("--superres", srPaths).Input("--input", parse.GetValue(input)).Input("--nnrg", parse.GetValue(nnrg))
                .Output("--json", jsonPath).Output("--plot", plotPath).Check();
            var sr = FlowStackLoader.Load(srPaths, parse.GetValue(input));
            if (sr.Data is null) throw new UsageException($"--superres {srPaths[0]} holds an NNRG flow; pass it with --nnrg");
            string nnrgPath = parse.GetValue(nnrg)!;
            var nn = Checkpoint.Load(nnrgPath).Architecture is Flows.NnrgFlowOptions
                ? FlowStackLoader.Load([nnrgPath], null)
                : throw new UsageException($"--nnrg {nnrgPath} does not hold an NNRG flow");
            if (nn.Flow.Size != sr.Flow.Size)
                throw new UsageException($"the superres flows generate {sr.Flow.Size}×{sr.Flow.Size} but the NNRG flow acts on {nn.Flow.Size}×{nn.Flow.Size}");

            int size = sr.Flow.Size;
            ulong s = parse.GetValue(seed);
            var hmc = new HmcOptions { LeapfrogSteps = leapfrog, StepSize = eps, TuneStepSize = false, MaxDegreeOfParallelism = threadCount };
            var options = new LatentHmcOptions(c, 0, n, hmc, s, recordChains: true);
            var runs = new List<(string Label, string[] Paths, FlowSamplerResult Result)>();
            foreach (var (label, setup, paths) in new[] { ("superres", sr, srPaths), ("NNRG", nn, new[] { nnrgPath }) })
            {
                setup.Flow.Threads = threadCount == 0 ? Environment.ProcessorCount : threadCount;
                var sampler = new LatentHmcSampler(setup.Flow, setup.Latent, tx, options);
                runs.Add((label, paths, cli.WithProgress($"latent HMC {label} {size}×{size}", progress => sampler.Run(progress))));
            }
            var mcmc = new McmcOptions(size, tx, SpinAlgorithm.SwendsenWang, sweeps, Math.Max(100, sweeps / 10), 1, s);
            var reference = cli.WithProgress($"Swendsen–Wang {size}×{size}", progress => MarkovChainRun.Run(mcmc, progress));
            Estimate refM2 = reference.Observables.M2;
            // About 25 blocks: enough to locate where a curve settles, few enough to keep chance excursions rare.
            int block = Math.Max(1, (n + 1) / 25);
            var curves = runs.Select(r => (r.Label, Curve: ConvergenceCurve.Analyze(r.Result.ChainM2Trace, c, refM2, block))).ToList();

            var table = new Table().Title(Markup.Escape(
                $"compare-convergence: L = {size}, T = {Format.Number(tx, "G8")}, {n} trajectories × {c} chains, {leapfrog} leapfrog steps of ε = {Format.Number(eps, "G4")}, seed {s}"));
            table.AddColumn("flow").AddColumn(new TableColumn("acceptance").RightAligned()).AddColumn(new TableColumn("⟨m²⟩ at step 0").RightAligned())
                .AddColumn(new TableColumn($"⟨m²⟩ at step {n}").RightAligned()).AddColumn(new TableColumn("converged at step").RightAligned())
                .AddColumn(new TableColumn("wall s").RightAligned());
            for (int i = 0; i < runs.Count; i++)
            {
                var (label, curve) = curves[i];
                var r = runs[i].Result;
                table.AddRow(Markup.Escape(label), Format.Number(r.Acceptance, "F3"), Format.WithError(curve.Mean[0], curve.Error[0]),
                    Format.WithError(curve.Mean[^1], curve.Error[^1]), curve.ConvergedStep?.ToString() ?? "not within run",
                    Format.Number(r.Elapsed.TotalSeconds, "F1"));
            }
            cli.Console.Write(table);
            cli.Out.WriteLine($"reference: Swendsen–Wang ⟨m²⟩ = {Format.WithError(refM2)} ({sweeps} sweeps, τ_int {Format.Number(refM2.Tau, "F2")})");
            cli.Out.WriteLine($"converged step: first step of the earliest block of {block} steps from which every block average agrees with the reference " +
                $"within {ConvergenceCurve.Sigmas}σ (errors from the spread over chains and the reference's error, in quadrature; a converged curve still leaves " +
                "the band in ~5% of blocks, so read it with the plot)");
            // No warm-up: the averages over all steps include the approach from z ~ p_z, which the verdict judges.
            foreach (var r in runs)
                ObservablesTable.WriteVerdict(cli, r.Result.Convergence, $"{r.Label}, averages over all {n} steps: ");

            if (jsonPath is not null)
            {
                var node = new JsonObject
                {
                    ["size"] = size,
                    ["temperature"] = tx,
                    ["steps"] = n,
                    ["chains"] = c,
                    ["hmc_steps"] = leapfrog,
                    ["step_size"] = eps,
                    ["seed"] = s,
                    ["sigmas"] = ConvergenceCurve.Sigmas,
                    ["block_size"] = block,
                    ["reference"] = new JsonObject { ["algorithm"] = "sw", ["sweeps"] = sweeps, ["m2"] = ResultJson.Estimate(refM2) },
                    ["curves"] = new JsonArray(runs.Select((r, i) => (JsonNode?)ResultJson.AddConvergence(new JsonObject
                    {
                        ["label"] = r.Label,
                        ["flows"] = new JsonArray(r.Paths.Select(p => (JsonNode?)JsonValue.Create(Path.GetFullPath(p))).ToArray()),
                        ["acceptance"] = ResultJson.Number(r.Result.Acceptance),
                        ["converged_step"] = curves[i].Curve.ConvergedStep,
                        ["m2"] = new JsonArray(curves[i].Curve.Mean.Select(ResultJson.Number).ToArray()),
                        ["m2_error"] = new JsonArray(curves[i].Curve.Error.Select(ResultJson.Number).ToArray()),
                        ["wall_seconds"] = ResultJson.Number(r.Result.Elapsed.TotalSeconds),
                        ["observables"] = ResultJson.Observables(r.Result.Observables, r.Result.Convergence),
                    }, r.Result.Convergence)).ToArray()),
                };
                ResultJson.Save(jsonPath, node);
            }
            if (plotPath is not null)
                ConvergenceFigure.Save(curves, refM2, $"Latent HMC at {size}×{size}, T = {Format.Number(tx, "G6")}: ⟨m²⟩ versus step", plotPath);
            return 0;
        });
        return command;
    }
}
