using System.CommandLine;
using Spectre.Console;
using SpinFlow.IO;
using SpinFlow.Pipeline;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow pipeline</c>: the whole method in one resumable run (rescale, train with transfer, sample exactly, compare).</summary>
public static class PipelineCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var preset = new Option<string>("--preset") { Description = "quick (8 → 16 → 32 at 3 temperatures, minutes), paper (16 → … → 128 at 7 temperatures, hours on 2 cores; per model, --model) or tc (Ising: 16 → … → 256 at 2.25, T_c, 2.30, ≲ 4 h on 2 cores)", DefaultValueFactory = _ => "quick" };
        var model = CommonOptions.Model("Spin model: " + Lattice.SpinModel.ValidNames + " (the presets pick temperatures around its transition: xy 0.7, 0.9, 1.1 quick; clock:6 around 0.70 and 0.90)");
        var baseSize = new Option<int?>("--base-size") { Description = "Input lattice size, a power of two ≥ 2 (preset: 8 quick, 16 paper)" };
        var levels = new Option<int?>("--levels") { Description = "Super-resolution levels; the final size is base·2^levels (preset: 2 quick, 3 paper)" };
        var temperature = new Option<string?>("--temperature", "-T") { Description = "Target temperatures: a value, a list, a range start:stop:count, or 'tc' where the model's T_c is exact (preset, Ising: 2.0,2.3,2.6 quick; 2.0:2.6:7 paper)" };
        var output = new Option<string?>("--out", "-o") { Description = "Run folder (default runs/PRESET); it must be new or empty unless --resume" };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out: finished stages are kept, the rest run" };
        var trainSteps = new Option<int?>("--train-steps") { Description = "Training steps of Flow_base (preset: 1000 quick, 1500 paper)" };
        var transferSteps = new Option<int?>("--transfer-steps") { Description = "Training steps of each later level after transfer (preset: 300 quick, 600 paper)" };
        var chains = new Option<int?>("--chains") { Description = "Latent-HMC chains per level and temperature (preset: 8 quick, 16 paper)" };
        var warmUp = new Option<string?>("--warmup") { Description = "Warm-up trajectories per chain: one value, or one per level as a,b,c (preset: 100 quick, 100,30,20 paper)" };
        var trajectories = new Option<string?>("--trajectories") { Description = "Measured trajectories per chain: one value, or one per level as a,b,c (preset: 200 quick, 150,80,40 paper)" };
        var hmcSteps = new Option<int?>("--hmc-steps") { Description = "Leapfrog steps per latent-HMC trajectory (preset: 8)" };
        var referenceSweeps = new Option<int?>("--reference-sweeps") { Description = "Reference sweeps per point, Swendsen–Wang (Ising) or Wolff (clock, xy) (Ising preset: 20000 quick, 40000 paper)" };
        var inputs = new Option<string?>("--inputs")
        {
            Description = "What the stack is fed at level k ≥ 2: ladder (ξ at the k-fold rescaled temperature R^k(T), also for generating the next level's training data; preset), " +
                "paper (ξ at R(T) at every level, chains from z ~ p_z), or warm (as paper, but chains start from the level below's final latents)",
        };
        var spinClusters = new Option<int?>("--spin-clusters")
        {
            Description = "Clock and xy: Wolff cluster reflections of the spins after the sweeps of every spin move; they change the winding of the angle field, which local sweeps keep (exact; clock and xy presets: 10, 0 turns them off)",
        };
        var spinSweeps = new Option<int?>("--spin-sweeps")
        {
            Description = "Metropolis sweeps of the generated lattice's spins after every latent-HMC trajectory (exact; 0: pure latent HMC; preset: 1000)",
        };
        var latentMass = new Option<string?>("--latent-mass")
        {
            Description = "Mass of the latent HMC: none, level (one scale per latent level from its measured curvature) or fourier (one per level and shell of wave vectors; the soft long-wavelength modes of ξ move farther) (preset: level)",
        };
        var seed = CommonOptions.Seed("Seed of the whole run (every stage derives its own stream)");
        var threads = CommonOptions.Threads("Threads of the flows");

        var command = new Command("pipeline", "The whole method: rescaling, input data, flow training with transfer per level, exact latent HMC at every level, Swendsen–Wang (Ising) or Wolff (clock, xy) references; writes report.md, results.json and figures")
        {
            preset, model, baseSize, levels, temperature, output, resume, trainSteps, transferSteps, chains, warmUp, trajectories, hmcSteps, referenceSweeps, inputs, spinSweeps, spinClusters, latentMass, seed, threads,
        };
        command.SetAction((parse, cancellation) =>
        {
            var options = InOptionNames(() => Options(parse));
            MemoryBudget.Check("--chains", MemoryBudget.ChainBytes(options.FinalSize, options.Chains,
                options.WarmUpAt(options.Levels) + options.TrajectoriesAt(options.Levels)));
            string folder = parse.GetValue(output) ?? Path.Combine("runs", options.Preset);
            if (string.IsNullOrWhiteSpace(folder)) throw new UsageException("--out needs a folder path, got an empty one");

            string banner = $"pipeline ({options.Preset}{(options.Model is Lattice.IsingModel ? "" : $", {options.Model.Name}")}): {string.Join(" → ", Enumerable.Range(0, options.Levels + 1).Select(options.SizeAt))} at T = " +
                $"{string.Join(", ", options.Temperatures.Select(t => Format.Number(t, "F4")))}; {PipelineRun.StageNames(options).Count} stages into {folder}" +
                (cli.Ranks.Size > 1 ? $" on {cli.Ranks.Size} MPI ranks" : "");
            if (cli.Ranks.Size > 1)
            {
                // Under MPI an interrupt ends every rank (the launcher passes it on): ranks that stopped at different points
                // could not agree on a clean stop, and the folder is resumable as it stands (every file is written atomically).
                var spread = PipelineRun.Run(options, folder, cli.Ranks, parse.GetValue(resume), new LineProgress(cli, banner));
                if (spread is not null) Print(cli, spread);
                return Task.FromResult(0);
            }
            if (cli.Interactive) cli.Error.WriteLine(banner);
            // Without a terminal the banner waits for the first stage, so that a refused folder gives one line only.
            var summary = cli.Interactive ? RunWithBar(options, folder, parse.GetValue(resume), cancellation)
                : PipelineRun.Run(options, folder, parse.GetValue(resume), new LineProgress(cli, banner), cancellation);
            Print(cli, summary);
            return Task.FromResult(0);
        });
        return command;

        PipelineOptions Options(ParseResult parse)
        {
            var kind = parse.GetValue(preset) switch
            {
                "quick" => PipelinePreset.Quick,
                "paper" => PipelinePreset.Paper,
                "tc" => PipelinePreset.Tc,
                var other => throw new UsageException($"--preset must be quick, paper or tc, not '{other}'"),
            };
            string? temps = parse.GetValue(temperature);
            var spinModel = Lattice.SpinModel.Parse(parse.GetValue(model)!);
            if (kind == PipelinePreset.Tc && spinModel is not Lattice.IsingModel)
                throw new UsageException($"--preset tc is the Ising T_c preset; --model {spinModel.Name} runs the quick or paper preset");
            var options = PipelineOptions.ForPreset(kind, spinModel, parse.GetValue(baseSize), parse.GetValue(levels), temps is null ? null : TemperatureGrid.Parse(temps, spinModel));
            options = options with
            {
                TrainSteps = parse.GetValue(trainSteps) ?? options.TrainSteps,
                TransferSteps = parse.GetValue(transferSteps) ?? options.TransferSteps,
                Chains = parse.GetValue(chains) ?? options.Chains,
                LeapfrogSteps = parse.GetValue(hmcSteps) ?? options.LeapfrogSteps,
                ReferenceSweeps = parse.GetValue(referenceSweeps) ?? options.ReferenceSweeps,
                SpinSweeps = parse.GetValue(spinSweeps) ?? options.SpinSweeps,
                // The preset's reflections are part of its spin move: --spin-sweeps 0 (pure latent HMC) drops them too.
                SpinClusters = parse.GetValue(spinClusters) ?? (parse.GetValue(spinSweeps) == 0 ? 0 : options.SpinClusters),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
            };
            options = parse.GetValue(inputs) switch
            {
                null => options,
                "ladder" => options with { InputLadder = true, WarmStart = false },
                "paper" => options with { InputLadder = false, WarmStart = false },
                "warm" => options with { InputLadder = false, WarmStart = true },
                var other => throw new UsageException($"--inputs must be ladder, paper or warm, not '{other}'"),
            };
            options = parse.GetValue(latentMass) switch
            {
                null => options,
                "none" => options with { MassPerLevel = false, FourierMass = false },
                "level" => options with { MassPerLevel = true, FourierMass = false },
                "fourier" => options with { MassPerLevel = true, FourierMass = true },
                var other => throw new UsageException($"--latent-mass must be none, level or fourier, not '{other}'"),
            };
            if (PerLevel(parse.GetValue(warmUp), options.Levels, "--warmup") is { } w)
                options = options with { WarmUp = w[0], LevelWarmUp = w.Length == 1 ? null : w };
            if (PerLevel(parse.GetValue(trajectories), options.Levels, "--trajectories") is { } n)
                options = options with { Trajectories = n[0], LevelTrajectories = n.Length == 1 ? null : n };
            options.Validate();
            return options;
        }
    }

    // The options' own names (TrainSteps) mean nothing to a user, who typed --train-steps.
    private static readonly (string Property, string Option)[] OptionNames =
    [
        ("LevelTrajectories", "--trajectories"), ("LevelWarmUp", "--warmup"), ("TrainSteps", "--train-steps"), ("TransferSteps", "--transfer-steps"),
        ("ReferenceSweeps", "--reference-sweeps"), ("SpinSweeps", "--spin-sweeps"), ("SpinClusters", "--spin-clusters"), ("Trajectories", "--trajectories"), ("WarmUp", "--warmup"),
        ("WarmStart", "--inputs"), ("BaseSize", "--base-size"), ("Levels", "--levels"), ("Temperatures", "--temperature"), ("Chains", "--chains"),
        ("Threads", "--threads"), ("LeapfrogSteps", "--hmc-steps"),
    ];

    private static PipelineOptions InOptionNames(Func<PipelineOptions> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            string message = e.Message.Split('\n')[0];
            int p = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
            if (p >= 0) message = message[..p];
            foreach (var (property, option) in OptionNames)
                message = System.Text.RegularExpressions.Regex.Replace(message, $@"\b{property}\b", option);
            var name = OptionNames.FirstOrDefault(n => n.Property == e.ParamName).Option;
            throw new UsageException(name is null || message.Contains(name) ? message : $"{name}: {message}");
        }
    }

    /// <summary>"n" or "a,b,c" (one per level) as integers; null when the option is absent.</summary>
    private static int[]? PerLevel(string? text, int levels, string name)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"{name} takes a non-negative integer or one per level (a,b,c), not '{text}'");
        if (values.Length != 1 && values.Length != levels)
            throw new UsageException($"{name} takes one value or one per level ({levels}), got {values.Length}");
        return values;
    }

    private static PipelineSummary RunWithBar(PipelineOptions options, string folder, bool resume, CancellationToken cancellation)
    {
        PipelineSummary summary = null!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var overall = ctx.AddTask("pipeline", maxValue: 1.0);
                var stage = ctx.AddTask("stage", maxValue: 1.0);
                var progress = new InlineProgress(p =>
                {
                    overall.Value = (p.StagesDone + p.StageFraction) / p.StagesTotal;
                    overall.Description = Markup.Escape($"pipeline {p.StagesDone + 1}/{p.StagesTotal}" + (p.Remaining is TimeSpan eta ? $", ETA {Eta(eta)}" : ""));
                    stage.Value = p.StageFraction;
                    stage.Description = Markup.Escape(Describe(p));
                });
                summary = PipelineRun.Run(options, folder, resume, progress, cancellation);
                overall.Value = 1;
                stage.Value = 1;
            });
        return summary;
    }

    private static string Describe(PipelineProgress p) =>
        $"{p.Kind}" + (p.Level > 0 ? $" level {p.Level}" : "") + (p.Temperature is double t ? $" T = {Format.Number(t, "F4")}" : "") + $" ({p.Stage})";

    private static string Eta(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}h{t.Minutes:00}m" : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m{t.Seconds:00}s" : $"{t.Seconds}s";

    private static void Print(CliContext cli, PipelineSummary summary)
    {
        bool ising = summary.Results.Model is Lattice.IsingModel;
        string reference = ising ? "SW" : "Wolff";
        var table = new Table().Title(Markup.Escape($"⟨m²⟩ and ⟨e⟩: super-resolution flow + latent HMC against {(ising ? "Swendsen–Wang" : "Wolff")}"));
        foreach (var c in new[] { "L", "T", "⟨m²⟩ flow", $"⟨m²⟩ {reference}", "dev σ", "⟨e⟩ flow", ising || summary.Results.Entries.Any(e => double.IsFinite(e.Exact)) ? "⟨e⟩ exact" : $"⟨e⟩ {reference}", "acc.", "τ(m²)", "converged" })
            table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        foreach (var g in summary.Results.Entries.GroupBy(e => (e.Size, e.Temperature)).OrderBy(g => g.Key.Size).ThenBy(g => g.Key.Temperature))
        {
            var m2 = g.First(e => e.Observable == "m2");
            var e = g.First(e => e.Observable == "energy");
            table.AddRow(g.Key.Size.ToString(), Format.Number(g.Key.Temperature, "F4"), Format.WithError(m2.Flow), Format.WithError(m2.Reference),
                Format.Number(m2.DeviationSigma, "+0.0;-0.0"), Format.WithError(e.Flow), double.IsFinite(e.Exact) || ising ? Format.Number(e.Exact, "F5") : Format.WithError(e.Reference),
                Format.Number(m2.Acceptance, "F2"), Format.Number(m2.TauInt, "F1"), m2.Converged switch { true => "yes", false => "NO", null => "?" });
        }
        cli.Console.Write(table);
        if (summary.Results.Entries.Any(e => e.Observable == "helicity"))
        {
            var angle = new Table().Title(Markup.Escape($"Υ and vortex density: flow + latent HMC against {reference}"));
            foreach (var c in new[] { "L", "T", "Υ flow", $"Υ {reference}", "dev σ", "vortices flow", $"vortices {reference}", "dev σ" })
                angle.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
            foreach (var g in summary.Results.Entries.GroupBy(e => (e.Size, e.Temperature)).OrderBy(g => g.Key.Size).ThenBy(g => g.Key.Temperature))
            {
                var h = g.First(e => e.Observable == "helicity");
                var v = g.First(e => e.Observable == "vortex_density");
                angle.AddRow(g.Key.Size.ToString(), Format.Number(g.Key.Temperature, "F4"), Format.WithError(h.Flow), Format.WithError(h.Reference),
                    Format.Number(h.DeviationSigma, "+0.0;-0.0"), Format.WithError(v.Flow), Format.WithError(v.Reference), Format.Number(v.DeviationSigma, "+0.0;-0.0"));
            }
            cli.Console.Write(angle);
        }
        foreach (var m2 in summary.Results.Entries.Where(e => e.Observable == "m2" && e.Converged == false).OrderBy(e => e.Size).ThenBy(e => e.Temperature))
            cli.Out.WriteLine($"L = {m2.Size}, T = {Format.Number(m2.Temperature, "F4")}: not converged: {string.Join("; ", m2.Warnings ?? [])}; do not use these error bars");
        cli.Out.WriteLine($"{summary.Executed.Count} stages run, {summary.Skipped.Count} already done; wall time {Format.Number(summary.Elapsed.TotalSeconds, "F1")} s");
        if (summary.Redone.Count > 0)
            cli.Out.WriteLine($"run again because files they had written were gone: {string.Join(", ", summary.Redone)}");
        cli.Out.WriteLine($"report: {summary.Folder.ReportPath}");
    }

    /// <summary>Non-interactive progress: one line when a stage starts and when it ends.</summary>
    private sealed class LineProgress(CliContext cli, string banner) : IProgress<PipelineProgress>
    {
        private bool _started;

        public void Report(PipelineProgress p)
        {
            if (!_started)
            {
                _started = true;
                cli.Error.WriteLine(banner);
            }
            if (p.StageFraction == 0)
                cli.Error.WriteLine($"[{p.StagesDone + 1}/{p.StagesTotal}] {Describe(p)}" + (p.Remaining is TimeSpan eta ? $"; ETA {Eta(eta)}" : ""));
            else if (p.Finished)
                cli.Error.WriteLine($"      done; {Eta(p.Elapsed)} elapsed");
        }
    }

    private sealed class InlineProgress(Action<PipelineProgress> report) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => report(value);
    }
}
