using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Relaxation;
using SpinFlow.SuperResolution;
using SpinFlow.Training;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow train</c>: trains the super-resolution flow Flow_L on a data set of relaxed L×L configurations.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var input = new Option<string>("--input", "-i") { Description = "HDF5 data set of L×L relaxed configurations ξ (written by 'spinflow relaxed --out')", Required = true };
        var temperature = CommonOptions.Temperature("Output temperature T_x of the 2L×2L target: a value or 'tc'");
        var steps = new Option<long>("--steps") { Description = "Total training steps; with --resume the run continues up to this count", Required = true };
        var batch = new Option<int>("--batch") { Description = "Samples per step", DefaultValueFactory = _ => 64 };
        var lr = new Option<double>("--lr") { Description = "Adam learning rate (a resumed run keeps its saved one)", DefaultValueFactory = _ => 1e-3 };
        var gamma = new Option<double>("--gamma") { Description = "Weight γ of the magnetisation-matching term |⟨m⟩_in − ⟨m⟩_ds|", DefaultValueFactory = _ => 200 };
        var gammaSteps = new Option<long>("--gamma-steps") { Description = "Steps during which γ applies (0 afterwards)", DefaultValueFactory = _ => 100 };
        var equivariant = new Option<bool>("--equivariant") { Description = "Even S and odd T nets: the flow is odd, f(−z) = −f(z) (new flows only)" };
        var couplings = new Option<int?>("--couplings") { Description = "Coupling layers per bijector (new flows; default 10)" };
        var hidden = new Option<int?>("--hidden") { Description = "Hidden width of the S and T nets (new flows; default 6)" };
        var mlpLayers = new Option<int?>("--mlp-layers") { Description = "Hidden layers of the S and T nets (new flows; default 1)" };
        var fineLayers = new Option<int?>("--fine-layers") { Description = "Layers on the whole 2L×2L lattice (new flows; default 8)" };
        var coarseLayers = new Option<int?>("--coarse-layers") { Description = "Layers on the ξ sublattice (new flows; default 8)" };
        var init = new Option<string?>("--init") { Description = "Start from the parameters of this checkpoint (any input size: transfer learning), with a fresh optimiser" };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Save --out every this many steps (0: only at the end)", DefaultValueFactory = _ => 0 };
        var logEvery = new Option<int?>("--log-every") { Description = "Print a progress line every this many steps (default: about 20 lines per run)" };
        var seed = CommonOptions.Seed("Seed: flow initialisation and step k's batch and noises (same seed → same run, resumed or not)");
        var threads = new Option<int>("--threads") { Description = "Threads of the flow (0: one per core); results are bit-for-bit the same for any thread count, so a run and its resumed continuation agree exactly", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out", "-o") { Description = "Checkpoint file to write (architecture, parameters, Adam state, step, loss history)", Required = true };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out when that file exists" };

        var command = new Command("train", "Train the super-resolution flow Flow_L (L×L → 2L×2L) by reverse KL on a data set of relaxed configurations (paper eq. 12)")
        {
            input, temperature, steps, batch, lr, gamma, gammaSteps, equivariant, couplings, hidden, mlpLayers, fineLayers, coarseLayers,
            init, checkpointEvery, logEvery, seed, threads, output, resume,
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
            if (threadCount < 0) throw new UsageException($"--threads must be non-negative, got {threadCount}");
            string outPath = parse.GetValue(output)!;
            string? initPath = parse.GetValue(init);
            bool resuming = parse.GetValue(resume) && File.Exists(outPath);
            bool shaped = parse.GetValue(equivariant) || parse.GetValue(couplings) is not null || parse.GetValue(hidden) is not null ||
                parse.GetValue(mlpLayers) is not null || parse.GetValue(fineLayers) is not null || parse.GetValue(coarseLayers) is not null;
            if (initPath is not null && parse.GetValue(resume)) throw new UsageException("--init and --resume exclude each other");
            if (shaped && (initPath is not null || resuming)) throw new UsageException("architecture options apply to new flows only, not with --init or --resume");
            if (!resuming && File.Exists(outPath)) throw new UsageException($"{outPath} exists: pass --resume to continue that run, or choose another --out");

            var saved = resuming ? Checkpoint.Load(outPath) : null;
            if (saved is not null && saved.Architecture is not SuperResolutionFlowOptions)
                throw new InvalidDataException($"{outPath} holds a {saved.Architecture.Name} flow, not a superres flow");
            // A resumed run repeats the saved schedule unless told otherwise, so that it continues exactly.
            var extra = saved?.Metadata.Extra;
            var options = new FlowTrainerOptions(temperatures[0],
                Setting(parse, batch, extra, "batch", cli), Setting(parse, gamma, extra, "gamma", cli), Setting(parse, gammaSteps, extra, "gamma_steps", cli),
                Setting(parse, seed, extra, "seed", cli), parse.GetValue(checkpointEvery), new AdamOptions(parse.GetValue(lr)));
            if (saved?.Metadata.Temperatures.TryGetValue("x", out double savedT) == true && savedT != options.Temperature)
                cli.Error.WriteLine($"note: {outPath} was trained at T_x = {Format.Number(savedT, "G8")}, continuing at {Format.Number(options.Temperature, "G8")}");
            var (data, count, meta) = RelaxedConfigurationFile.Read(parse.GetValue(input)!);
            if (meta.Size * meta.Size * (long)count > data.Length) throw new InvalidDataException("data set is shorter than its declared shape");
            AtomicFile.CheckWritable(outPath);

            FlowTrainer trainer;
            if (saved is not null)
            {
                trainer = FlowTrainer.Resume(saved, data, count, meta.Size, options);
            }
            else
            {
                Flow flow;
                if (initPath is not null)
                {
                    var ckpt = Checkpoint.Load(initPath);
                    if (ckpt.Architecture is not SuperResolutionFlowOptions) throw new InvalidDataException($"{initPath} holds a {ckpt.Architecture.Name} flow, not a superres flow");
                    flow = ckpt.CreateFlow(2 * meta.Size);
                }
                else
                {
                    var arch = new SuperResolutionFlowOptions(
                        new RealNvpOptions(parse.GetValue(couplings) ?? 10, parse.GetValue(hidden) ?? 6, parse.GetValue(mlpLayers) ?? 1, parse.GetValue(equivariant)),
                        parse.GetValue(fineLayers) ?? 8, parse.GetValue(coarseLayers) ?? 8);
                    flow = SuperResolutionFlow.Create(meta.Size, parse.GetValue(seed), arch);
                }
                trainer = new FlowTrainer(flow, data, count, meta.Size, options);
            }
            trainer.InputTemperature = meta.Temperature;
            // H(p_z) needs the data set to sample the relaxed model it claims (T_ξ, shift) and two configurations at least.
            double entropyError = double.NaN;
            if (count >= 2)
            {
                (double h, entropyError) = FlowTrainer.LatentEntropyOf(data, count, new RelaxedIsing(meta.Size, meta.Temperature, meta.Shift));
                trainer.LatentEntropy = h;
            }
            trainer.Flow.Threads = threadCount == 0 ? Environment.ProcessorCount : threadCount;

            int sites = trainer.Flow.Size * trainer.Flow.Size;
            cli.Out.WriteLine($"train Flow_{meta.Size}: {count} configurations ξ at T_ξ = {Format.Number(meta.Temperature, "G6")} → {trainer.Flow.Size}×{trainer.Flow.Size} at " +
                $"T_x = {Format.Number(options.Temperature, "G6")}; {trainer.Flow.ParameterCount} parameters, batch {options.Batch}, seed {options.Seed}" +
                (resuming ? $"; resuming at step {trainer.Step}" : ""));
            cli.Out.WriteLine($"per site: loss = mean(−ln|det| + E_x) + γ-term ± batch spread; bound = −ln Z_x/N = {Format.Number(trainer.BoundPerSite, "F6")} (loss ≥ bound)" +
                (trainer.LatentEntropy is double hz ? $"; KL = loss − γ-term − bound − H(p_z)/N with H(p_z)/N = {Format.Number(hz / sites, "F6")} ± {Format.Number(entropyError / sites, "F6")} from the data set" : ""));
            long remaining = Math.Max(0, total - trainer.Step);
            if (remaining == 0)
            {
                cli.Out.WriteLine($"nothing to do: {outPath} is at step {trainer.Step} ≥ --steps {total}");
                return 0;
            }
            var clock = Stopwatch.StartNew();
            long lastStep = trainer.Step;
            double lastTime = 0;
            try
            {
                trainer.Run(remaining, outPath, r =>
                {
                    if (r.Step % every != 0 && r.Step != total) return;
                    double now = clock.Elapsed.TotalSeconds;
                    double rate = (r.Step - lastStep) / Math.Max(now - lastTime, 1e-9);
                    lastStep = r.Step;
                    lastTime = now;
                    cli.Out.WriteLine($"step {r.Step,7}/{total}  loss {Format.Number(r.Loss / sites, "F5")} ± {Format.Number(r.Spread / sites, "F5")}  " +
                        $"γ-term {Format.Number(r.Penalty / sites, "F5")}  m_in {Format.Number(r.MagnetizationIn, "F3")} m_ds {Format.Number(r.MagnetizationBlocked, "F3")}  " +
                        $"bound {Format.Number(r.Bound / sites, "F5")}" + (double.IsNaN(r.KlEstimate) ? "" : $"  KL {Format.Number(r.KlEstimate / sites, "F5")}") +
                        $"  {Format.Number(rate, "G3")} steps/s");
                });
            }
            catch (InvalidOperationException e)
            {
                cli.Error.WriteLine($"spinflow: error: {e.Message}");
                return 1;
            }
            cli.Out.WriteLine($"saved {outPath} at step {trainer.Step}; wall time {Format.Number(clock.Elapsed.TotalSeconds, "F2")} s");
            return 0;
        });
        return command;
    }

    /// <summary>The option's value; on resume, the saved value unless the option was given (a differing one is noted).</summary>
    private static T Setting<T>(ParseResult parse, Option<T> option, JsonObject? saved, string key, CliContext cli)
    {
        T value = parse.GetValue(option)!;
        if (saved?[key] is not JsonValue node || !node.TryGetValue(out T? savedValue)) return value;
        if (parse.GetResult(option) is not { Implicit: false }) return savedValue!;
        if (!EqualityComparer<T>.Default.Equals(value, savedValue))
            cli.Error.WriteLine($"note: {option.Name} {value} differs from the saved run's {savedValue}: not an exact continuation of it");
        return value;
    }
}
