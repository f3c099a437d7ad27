using System.CommandLine;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SpinFlow.Distributed;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using SpinFlow.Training;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow train</c>: trains the super-resolution flow Flow_L on a data set of relaxed L×L configurations, or the NNRG baseline (<c>--nnrg</c>).</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var input = new Option<string?>("--input", "-i") { Description = "HDF5 data set of L×L configurations ξ (from 'spinflow relaxed --out', or from 'spinflow generate' for transfer learning); required without --nnrg" };
        var nnrg = new Option<bool>("--nnrg") { Description = "Train the NNRG baseline instead: MERA flow on --size × --size with z ~ N(0, I) on every site (no --input, no γ-term)" };
        var size = new Option<int?>("--size", "-L") { Description = "--nnrg: lattice side L of the flow, a power of two" };
        var history = new Option<string?>("--history") { Description = "Write the per-step history {step, loss, objective, spread, bound, kl, m_in, m_ds, abs_m_in, abs_m_ds, gamma} (totals, not per site) as JSON here, with every checkpoint; an existing file is refused without --force, except the history of the run --resume continues" };
        var temperature = CommonOptions.Temperature("Output temperature T_x of the 2L×2L target: a value or 'tc'");
        var steps = new Option<long>("--steps") { Description = "Total training steps; with --resume the run continues up to this count", Required = true };
        var batch = new Option<int>("--batch") { Description = "Samples per step", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (a resumed run keeps its saved one)", DefaultValueFactory = _ => 1e-3 };
        var gamma = new Option<double>("--gamma") { Description = "Weight γ of the magnetisation-matching term |⟨m⟩_in − ⟨m⟩_ds|", DefaultValueFactory = _ => 200 };
        var gammaSteps = new Option<long>("--gamma-steps") { Description = "Steps during which γ applies (0 afterwards)", DefaultValueFactory = _ => 100 };
        var equivariant = new Option<bool>("--equivariant") { Description = "Even S and odd T nets: the flow is odd, f(−z) = −f(z) (the default for new flows; kept for old command lines)" };
        var plain = new Option<bool>("--plain") { Description = "The paper's plain S and T nets instead of the equivariant ones (new flows only; at T_c such a flow can collapse into one ordered phase once γ is off)" };
        var couplings = new Option<int?>("--couplings") { Description = "Coupling layers per bijector (new flows; default 10)" };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden width of the S and T nets (new flows; default 6, --nnrg 10)" };
        var mlpLayers = new Option<int?>("--mlp-layers") { Description = "Hidden layers of the S and T nets (new flows; default 1, --nnrg 3)" };
        var fineLayers = new Option<int?>("--fine-layers") { Description = "Layers on the whole 2L×2L lattice (new flows; default 8)" };
        var coarseLayers = new Option<int?>("--coarse-layers") { Description = "Layers on the ξ sublattice (new flows; default 8)" };
        var init = new Option<string?>("--init") { Description = "Start from the parameters of this checkpoint (any input size: transfer learning), with a fresh optimiser" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Save --out every this many steps (0: only at the end)", DefaultValueFactory = _ => 0 };
        var logEvery = new Option<int?>("--log-every") { Description = "Print a progress line every this many steps (default: about 20 lines per run)" };
        var seed = CommonOptions.Seed("Seed: flow initialisation and step k's batch and noises (same seed → same run, resumed or not)");
        var threads = CommonOptions.Threads("Threads of the flow; results are bit-for-bit the same for any thread count, so a run and its resumed continuation agree exactly");
        var output = new Option<string>("--out", "-o") { Description = "Checkpoint file to write (architecture, parameters, Adam state, step, loss history)", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out when that file exists (same architecture, size and data set)" };
        var modelOption = CommonOptions.Model("Spin model of the data set and the target, recorded in the checkpoint (default ising; a resumed or --init run takes the checkpoint's): " +
            SpinModel.ValidNames);
        var force = CommonOptions.Force();

        var command = new Command("train", "Train the super-resolution flow Flow_L (L×L → 2L×2L) by reverse KL on a data set of relaxed configurations (paper eq. 12), or the NNRG baseline")
        {
            input, nnrg, size, history, temperature, steps, batch, lr, gamma, gammaSteps, equivariant, plain, couplings, hidden, mlpLayers, fineLayers, coarseLayers,
            init, checkpointEvery, logEvery, seed, threads, output, resume, modelOption, force,
        };
        command.SetAction(parse =>
        {
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!);
            if (temperatures.Length != 1) throw new UsageException("train takes a single output temperature");
            long total = parse.GetValue(steps);
            if (total < 1) throw new UsageException($"--steps must be at least 1, got {total}");
            int every = parse.GetValue(logEvery) ?? (int)Math.Max(1, total / 20);
            if (every < 1) throw new UsageException("--log-every must be at least 1");
            int threadCount = parse.GetValue(threads);
            string outPath = parse.GetValue(output)!;
            bool baseline = parse.GetValue(nnrg);
            string? inputPath = parse.GetValue(input);
            if (baseline && inputPath is not null) throw new UsageException("--input and --nnrg exclude each other: the NNRG baseline draws its whole latent from N(0, I)");
            if (!baseline && inputPath is null) throw new UsageException("--input is required (a data set of L×L configurations), unless --nnrg trains the NNRG baseline");
            if (!baseline && parse.GetValue(size) is not null) throw new UsageException("--size applies to --nnrg only: Flow_L's size comes from the data set");
            if (baseline && parse.GetValue(size) is null) throw new UsageException("--nnrg needs --size L");
            if (baseline && (parse.GetValue(fineLayers) is not null || parse.GetValue(coarseLayers) is not null))
                throw new UsageException("--fine-layers and --coarse-layers apply to the super-resolution flow, not to --nnrg");
            // ⟨m⟩_in needs an input configuration, which the NNRG latent does not have: refuse an explicit γ rather than ignore it.
            if (baseline && parse.GetResult(gamma) is { Implicit: false } && parse.GetValue(gamma) > 0 && parse.GetValue(gammaSteps) > 0)
                throw new UsageException("--gamma needs an input configuration (⟨m⟩_in); the NNRG baseline has none: drop --gamma or pass --gamma-steps 0");
            string? historyPath = parse.GetValue(history);
            string? initPath = parse.GetValue(init);
            bool overwrite = parse.GetValue(force);
            bool resuming = parse.GetValue(resume) && File.Exists(outPath);
            if (parse.GetValue(equivariant) && parse.GetValue(plain)) throw new UsageException("--equivariant and --plain exclude each other");
            bool odd = !parse.GetValue(plain);
            bool shaped = parse.GetValue(equivariant) || parse.GetValue(plain) || parse.GetValue(couplings) is not null || parse.GetValue(hidden) is not null ||
                parse.GetValue(mlpLayers) is not null || parse.GetValue(fineLayers) is not null || parse.GetValue(coarseLayers) is not null;
            if (initPath is not null && parse.GetValue(resume)) throw new UsageException("--init and --resume exclude each other");
            if (shaped && (initPath is not null || resuming)) throw new UsageException("architecture options apply to new flows only, not with --init or --resume");
            if (!resuming && !overwrite && File.Exists(outPath))
                throw new UsageException($"--out {outPath} exists: pass --resume to continue that run, --force to start over, or choose another --out");

            // The checkpoint is read before the file check only to tell whether an existing --history is this run's own
            // (a resumed run rewrites it); a checkpoint that does not load is reported after the file check.
            Checkpoint? saved = null;
            TrainingMetadata? savedRun = null;
            Exception? unreadable = null;
            if (resuming)
            {
                try
                {
                    saved = Checkpoint.Load(outPath);
                    savedRun = TrainingMetadata.Read(saved.Metadata);
                }
                catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
                {
                    saved = null;
                    unreadable = e;
                }
            }
            bool ownHistory = savedRun?.History is { } savedHistory && historyPath is not null && IsHistoryOf(historyPath, savedHistory);
            new FilePlan(overwrite).Input("--input", inputPath).Input("--init", initPath)
                .Output("--out", outPath, mayExist: true).Output("--history", historyPath, mayExist: ownHistory).Check();
            if (unreadable is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unreadable);
            var spinModel = TrainedModel(CommonOptions.ModelOrNull(parse, modelOption), saved is null ? null : (outPath, savedRun!),
                initPath is null ? null : (initPath, TrainingMetadata.Read(Checkpoint.Load(initPath).Metadata)));
            if (resuming && historyPath is not null && !ownHistory && File.Exists(historyPath))
                cli.Error.WriteLine($"note: --history {historyPath} is not the history of {outPath}: replaced (--force)");
            string kind = baseline ? NnrgFlowOptions.KindName : SuperResolutionFlowOptions.KindName;
            if (saved is not null && saved.Architecture.Name != kind)
                throw new InvalidDataException($"{outPath} holds a {saved.Architecture.Name} flow, not a {kind} flow" + (baseline ? "" : " (pass --nnrg to continue an NNRG run)"));
            // A resumed run repeats the saved schedule unless told otherwise, so that it continues exactly.
            var options = new FlowTrainerOptions(temperatures[0],
                Setting(parse, batch, savedRun?.Batch, cli), baseline ? 0 : Setting(parse, gamma, savedRun?.Gamma, cli),
                baseline ? 0 : Setting(parse, gammaSteps, savedRun?.GammaSteps, cli),
                Setting(parse, seed, savedRun?.Seed, cli), parse.GetValue(checkpointEvery), new AdamOptions(parse.GetValue(lr)), spinModel);
            if (saved?.Optimizer is { } savedAdam && parse.GetResult(lr) is { Implicit: false } && parse.GetValue(lr) != savedAdam.Options.LearningRate)
                throw new UsageException($"--lr {Format.Number(parse.GetValue(lr))}: a resumed run keeps its saved learning rate {Format.Number(savedAdam.Options.LearningRate)} " +
                    "(its Adam state belongs to it); drop --lr, or start a new run from these parameters with --init");
            if (savedRun?.Temperature is double savedT && savedT != options.Temperature)
                cli.Error.WriteLine($"note: {outPath} was trained at T_x = {Format.Number(savedT, "G8")}, continuing at {Format.Number(options.Temperature, "G8")}");
            var trainer = baseline ? BaselineTrainer() : SuperResolutionTrainer();
            trainer.Flow.Threads = threadCount == 0 ? Math.Max(1, Environment.ProcessorCount / RankLaunch.LocalRanks()) : threadCount;
            // Under MPI every rank trains its piece of each batch; rank 0 alone writes the checkpoint and the history.
            bool writer = cli.Ranks.Rank == 0, spread = cli.Ranks.Size > 1;
            int sites = trainer.Flow.Size * trainer.Flow.Size;
            long remaining = Math.Max(0, total - trainer.Step);
            if (remaining == 0)
            {
                cli.Out.WriteLine($"nothing to do: {outPath} is at step {trainer.Step} ≥ --steps {total}");
                return 0;
            }
            var clock = Stopwatch.StartNew();
            long lastStep = trainer.Step;
            double lastTime = 0;
            var watch = new AbsMagnetizationWatch();
            using var interrupt = new CancellationTokenSource();
            int signalExit = 0;
            // Under MPI a signal ends every rank at once (ranks that stopped at different steps could not agree on a
            // clean stop); the checkpoint on disk is then the last complete one.
            using var sigint = spread ? null : OnSignal(PosixSignal.SIGINT, 130);
            using var sigterm = spread ? null : OnSignal(PosixSignal.SIGTERM, 143);
            try
            {
                trainer.Run(remaining, writer ? outPath : null, historyPath: writer ? historyPath : null, cancellation: interrupt.Token, progress: r =>
                {
                    if (watch.Observe(r) is { } d)
                        cli.Error.WriteLine($"warning: steps {d.FirstStep}–{d.LastStep} (γ off): ⟨|m|⟩_ds = {Format.Number(d.AbsMagnetizationBlocked, "F3")} departs from " +
                            $"⟨|m|⟩_in = {Format.Number(d.AbsMagnetizationIn, "F3")} by {Format.Number(d.Departure, "+0.000;−0.000")} ± {Format.Number(d.StandardError, "F3")} " +
                            $"(more than {watch.Threshold:G} standard errors over {watch.Window} steps): the flow is " +
                            (d.Departure > 0 ? "collapsing into an ordered phase" : "drifting into the disordered phase") +
                            (odd ? "; consider a longer --gamma-steps" : "; consider the equivariant nets (drop --plain) or a longer --gamma-steps"));
                    if (r.Step % every != 0 && r.Step != total) return;
                    double now = clock.Elapsed.TotalSeconds;
                    double rate = (r.Step - lastStep) / Math.Max(now - lastTime, 1e-9);
                    lastStep = r.Step;
                    lastTime = now;
                    cli.Out.WriteLine($"step {r.Step,7}/{total}  loss {Format.Number(r.Loss / sites, "F5")} ± {Format.Number(r.Spread / sites, "F5")}  " +
                        (baseline ? "" : $"γ-term {Format.Number(r.Penalty / sites, "F5")}  ") +
                        (double.IsNaN(r.MagnetizationIn) ? "" : $"m_in {Format.Number(r.MagnetizationIn, "F3")} |m|_in {Format.Number(r.AbsMagnetizationIn, "F3")}  ") +
                        $"m_ds {Format.Number(r.MagnetizationBlocked, "F3")} |m|_ds {Format.Number(r.AbsMagnetizationBlocked, "F3")}  " +
                        (double.IsNaN(r.Bound) ? "" : $"bound {Format.Number(r.Bound / sites, "F5")}") + (double.IsNaN(r.KlEstimate) ? "" : $"  KL {Format.Number(r.KlEstimate / sites, "F5")}") +
                        $"  {Format.Number(rate, "G3")} steps/s");
                });
            }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested)
            {
                cli.Error.WriteLine($"interrupted at step {trainer.Step}: saved {outPath}" + (historyPath is null ? "" : $" and {historyPath}") +
                    "; continue with --resume");
                return signalExit;
            }
            catch (InvalidOperationException e)
            {
                cli.Error.WriteLine($"spinflow: error: {e.Message}");
                return 1;
            }
            cli.Out.WriteLine($"saved {outPath} at step {trainer.Step}" + (historyPath is null ? "" : $" and {historyPath}") +
                $"; wall time {Format.Number(clock.Elapsed.TotalSeconds, "F2")} s");
            return 0;

            // First signal: finish the step in progress, save, exit with the signal's code. A second one ends the process
            // at once (the checkpoint on disk is the last complete one: files are replaced atomically).
            IDisposable? OnSignal(PosixSignal signal, int exitCode)
            {
                try
                {
                    return PosixSignalRegistration.Create(signal, context =>
                    {
                        if (interrupt.IsCancellationRequested) return;
                        context.Cancel = true;
                        signalExit = exitCode;
                        cli.Error.WriteLine($"{context.Signal}: finishing step {trainer.Step + 1}, then saving {outPath} (interrupt again to quit without saving)");
                        interrupt.Cancel();
                    });
                }
                catch (PlatformNotSupportedException) { return null; }
            }

            // The NNRG baseline: the whole latent is N(0, I) on the L×L lattice, so H(p_z) and the KL estimate are exact.
            FlowTrainer BaselineTrainer()
            {
                int l = parse.GetValue(size)!.Value;
                new NnrgFlowOptions(new RealNvpOptions(1, 1, 1)).ValidateSize(l);
                if (saved is not null && saved.Size != l)
                    throw new InvalidDataException($"--out {outPath} is an NNRG flow on {saved.Size}×{saved.Size}, not --size {l}: resume it with --size {saved.Size}, or start a new run from its parameters with --init");
                var t = FlowTrainer.Start(ChooseStart(NnrgFlowOptions.KindName, () => NnrgFlow.Create(l, parse.GetValue(seed), NnrgFlowOptions.Shaped(
                    parse.GetValue(couplings), parse.GetValue(hidden), parse.GetValue(mlpLayers), odd, channels: spinModel.Components))),
                    new GaussianLatent(l, spinModel.Components), options, cli.Ranks);
                cli.Out.WriteLine($"train NNRG {ModelTag()}{l}×{l} at T_x = {Format.Number(options.Temperature, "G6")}, z ~ N(0, I); {t.Flow.ParameterCount} parameters, " +
                    $"batch {options.Batch}, seed {options.Seed}" + (resuming ? $"; resuming at step {t.Step}" : ""));
                cli.Out.WriteLine(double.IsNaN(t.Bound)
                    ? $"per site: loss = mean(−ln|det| + E_x) ± batch spread; no bound and no KL estimate (ln Z_x of {spinModel.Name} is not known exactly)"
                    : $"per site: loss = mean(−ln|det| + E_x) ± batch spread; bound = −ln Z_x/N = {Format.Number(t.BoundPerSite, "F6")} (loss ≥ bound); " +
                      $"KL = loss − bound − H(p_z)/N with H(p_z)/N = {(spinModel.Components == 1 ? "½ ln 2πe" : "ln 2πe")} = {Format.Number(t.LatentEntropy!.Value / (l * l), "F6")} exactly");
                return t;
            }

            // Resume --out, transfer the parameters of --init (a flow of this kind), or start a new flow.
            TrainingStart ChooseStart(string flowKind, Func<Flow> create)
            {
                if (saved is not null) return new TrainingStart.Resume(saved);
                if (initPath is null) return new TrainingStart.New(create());
                var init = Checkpoint.Load(initPath);
                if (init.Architecture.Name != flowKind) throw new InvalidDataException($"{initPath} holds a {init.Architecture.Name} flow, not a {flowKind} flow");
                return new TrainingStart.Transfer(init);
            }

            FlowTrainer SuperResolutionTrainer()
            {
                var (data, count, meta) = RelaxedConfigurationFile.Read(inputPath!, spinModel.Name);
                LatentFile.RefuseAsConfigurations(meta, "--input", inputPath!);
                if (meta.Size * meta.Size * (long)spinModel.Components * count > data.Length) throw new InvalidDataException("data set is shorter than its declared shape");
                if (saved is not null && saved.Size != 2 * meta.Size)
                    throw new InvalidDataException($"--out {outPath} is Flow_{saved.Size / 2} ({saved.Size / 2}×{saved.Size / 2} → {saved.Size}×{saved.Size}), but --input {inputPath} " +
                        $"holds {meta.Size}×{meta.Size} configurations: resume it with the data set it was trained on, or start a new run from its parameters with --init");
                var identity = TrainingDataIdentity.Of(data, count, meta.Size, meta.Temperature, meta.Shift, spinModel.Components);
                var latent = new SuperResolutionLatent(DataSetDistribution.OfFile("--input", inputPath!, data, count, meta.Size, channels: spinModel.Components));
                if (savedRun is not null)
                {
                    if (savedRun.Data is not { } trained)
                        cli.Error.WriteLine($"note: {outPath} does not record its training data (an older checkpoint): cannot check that --input {inputPath} is that data set; recording it from now on");
                    else if (trained.Sha256 != identity.Sha256)
                        throw new InvalidDataException($"--input {inputPath} ({identity.Describe()}) is not the data set --out {outPath} was trained on " +
                            $"({trained.Describe()}, SHA-256 {trained.Sha256[..12]}…): resume it with that data set, or start a new run from its parameters with --init");
                }
                var t = FlowTrainer.Start(ChooseStart(SuperResolutionFlowOptions.KindName, () => SuperResolutionFlow.Create(meta.Size, parse.GetValue(seed),
                    SuperResolutionFlowOptions.Shaped(parse.GetValue(couplings), parse.GetValue(hidden), parse.GetValue(mlpLayers), odd,
                        parse.GetValue(fineLayers), parse.GetValue(coarseLayers), spinModel.Components))),
                    latent, options, cli.Ranks);
                t.InputTemperature = meta.Temperature;
                t.Data = identity;
                // H(p_z) needs the data set to sample the relaxed model it claims (T_ξ, shift) and two configurations at least;
                // a data set generated by a flow samples that flow's q instead, whose entropy the file does not carry.
                double entropyError = double.NaN;
                bool relaxed = meta.Sampler != GenerateCommand.SamplerName;
                var inputModel = RelaxedModels.Create(spinModel, meta.Size, meta.Temperature, meta.Shift);
                if (count >= 2 && relaxed && FlowTrainer.HasLatentEntropy(inputModel))
                {
                    (double h, entropyError) = FlowTrainer.LatentEntropyOf(data, count, inputModel);
                    t.LatentEntropy = h;
                }
                int n = t.Flow.Size * t.Flow.Size;
                cli.Out.WriteLine($"train Flow_{meta.Size}: {ModelTag()}{count} configurations ξ at T_ξ = {Format.Number(meta.Temperature, "G6")}" + (relaxed ? "" : " (generated by a flow)") +
                    $" → {t.Flow.Size}×{t.Flow.Size} at T_x = {Format.Number(options.Temperature, "G6")}; {t.Flow.ParameterCount} parameters, batch {options.Batch}, seed {options.Seed}" +
                    (resuming ? $"; resuming at step {t.Step}" : ""));
                if (double.IsNaN(t.Bound))
                    cli.Out.WriteLine($"per site: loss = mean(−ln|det| + E_x) + γ-term ± batch spread; no bound and no KL estimate (ln Z_x of {spinModel.Name} is not known exactly)");
                else cli.Out.WriteLine($"per site: loss = mean(−ln|det| + E_x) + γ-term ± batch spread; bound = −ln Z_x/N = {Format.Number(t.BoundPerSite, "F6")} (loss ≥ bound)" +
                    (t.LatentEntropy is double hz ? $"; KL = loss − γ-term − bound − H(p_z)/N with H(p_z)/N = {Format.Number(hz / n, "F6")} ± {Format.Number(entropyError / n, "F6")} from the data set" :
                     !relaxed ? "; no KL estimate (the entropy of generated data is not in the file)" :
                     count >= 2 ? $"; no KL estimate (ln Z_ξ of {spinModel.Name} is not known exactly)" : ""));
                return t;
            }

            string ModelTag() => spinModel is IsingModel ? "" : $"{spinModel.Name}, ";
        });
        return command;
    }

    /// <summary>
    /// Whether the file at <paramref name="path"/> is a training history of the run that recorded <paramref name="run"/>:
    /// its steps and losses are the first ones the run recorded (a history is written with each checkpoint).
    /// </summary>
    private static bool IsHistoryOf(string path, TrainingHistory run)
    {
        if (!File.Exists(path)) return false;
        try
        {
            var file = TrainingHistory.FromJson(JsonNode.Parse(File.ReadAllText(path)));
            if (file.Count > run.Count) return false;
            foreach (string column in new[] { "step", "loss" })
                for (int i = 0; i < file.Count; i++)
                    if (!file[column][i].Equals(run[column][i])) return false;
            return true;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or InvalidOperationException or FormatException or IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// The model of the run: a resumed run's or an --init checkpoint's record (none: Ising), which a given --model must
    /// match; otherwise --model, default Ising.
    /// </summary>
    private static SpinModel TrainedModel(SpinModel? given, (string Path, TrainingMetadata Run)? resumed, (string Path, TrainingMetadata Run)? init)
    {
        foreach (var (option, source) in new[] { ("--out", resumed), ("--init", init) })
        {
            if (source is not { } s) continue;
            var recorded = s.Run.SpinModel ?? SpinModel.Ising;
            if (given is not null && given != recorded)
                throw new UsageException($"--model {given.Name} disagrees with {option} {s.Path}, which was trained on the {recorded.Name} model");
            return recorded;
        }
        return given ?? SpinModel.Ising;
    }

    /// <summary>The option's value; on resume, the saved value unless the option was given (a differing one is noted).</summary>
    private static T Setting<T>(ParseResult parse, Option<T> option, T? saved, CliContext cli) where T : struct
    {
        T value = parse.GetValue(option);
        if (saved is not T savedValue) return value;
        if (parse.GetResult(option) is not { Implicit: false }) return savedValue;
        if (!EqualityComparer<T>.Default.Equals(value, savedValue))
            cli.Error.WriteLine($"note: {option.Name} {value} differs from the saved run's {savedValue}: not an exact continuation of it");
        return value;
    }
}
