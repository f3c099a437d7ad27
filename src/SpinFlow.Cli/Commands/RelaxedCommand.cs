using System.CommandLine;
using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.Hmc;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Relaxation;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow relaxed</c>: samples the continuous relaxation of the Ising, clock or XY model (training data for flows).</summary>
public static class RelaxedCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var modelOption = CommonOptions.Model();
        var size = CommonOptions.Size(16, "Linear lattice size L, a power of two (the FFT is radix-2)");
        var temperature = CommonOptions.Temperature("Temperature: one value, or 'tc'");
        var sampler = new Option<string>("--sampler") { Description = "exact (Swendsen–Wang on s for Ising, Wolff for clock/xy, then x | s) | naive-hmc (HMC on E(x))", DefaultValueFactory = _ => "exact" };
        var samples = new Option<int>("--samples", "-n") { Description = "Measured configurations in total, over all chains, after thermalisation", DefaultValueFactory = _ => 10000 };
        var chains = new Option<int>("--chains") { Description = "Chains advanced together (samples are spread evenly over them)", DefaultValueFactory = _ => 8 };
        var thermalize = new Option<int?>("--thermalize") { Description = "Steps per chain discarded first, HMC tuning included (default: 10% of the measured steps, at least 200)" };
        var measureEvery = new Option<int>("--measure-every") { Description = "Steps per chain between measured configurations", DefaultValueFactory = _ => 1 };
        var hmcSteps = new Option<int?>("--hmc-steps") { Description = "Leapfrog steps per HMC trajectory (naive-hmc; default 10)" };
        var hmcStepSize = new Option<double?>("--hmc-step-size") { Description = "Fixed leapfrog step size ε (naive-hmc; default: tuned during thermalisation)" };
        var hmcTarget = new Option<double?>("--hmc-target-acceptance") { Description = "Acceptance that step-size tuning aims for (naive-hmc; default 0.8)" };
        var shift = new Option<double?>("--shift") { Description = "Shift c in K' = A/T + c·I (default 0.1 + 4/T)" };
        var seed = CommonOptions.Seed();
        var threads = CommonOptions.Threads("Threads; results do not depend on it");
        var output = new Option<string?>("--out") { Description = "Write the configurations to this HDF5 file (dataset 'x', float32 [n, L, L]; [n, L, L, 2] for clock and xy)" };
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();

        var command = new Command("relaxed", "Sample the continuous relaxation E(x) = ½xᵀK'⁻¹x − Σ ln w(x) of the Ising, clock or XY model, with observables from improved estimators")
        {
            modelOption, size, temperature, sampler, samples, chains, thermalize, measureEvery, hmcSteps, hmcStepSize, hmcTarget, shift, seed, threads, output, json, force,
        };
        command.SetAction(parse =>
        {
            var spinModel = SpinModel.Parse(parse.GetValue(modelOption)!);
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!, spinModel);
            if (temperatures.Length != 1) throw new UsageException("relaxed takes a single temperature");
            var kind = RelaxedSamplerNames.Parse(parse.GetValue(sampler)!);
            int? steps = parse.GetValue(hmcSteps);
            double? eps = parse.GetValue(hmcStepSize);
            double? target = parse.GetValue(hmcTarget);
            if (kind != RelaxedSamplerKind.NaiveHmc && (steps is not null || eps is not null || target is not null))
                throw new UsageException("--hmc-steps, --hmc-step-size and --hmc-target-acceptance apply to --sampler naive-hmc only");
            var hmc = new HmcOptions
            {
                LeapfrogSteps = steps ?? 10,
                StepSize = eps ?? 0.1,
                TuneStepSize = eps is null,
                TargetAcceptance = target ?? 0.8,
            };
            int n = parse.GetValue(samples), c = parse.GetValue(chains), every = parse.GetValue(measureEvery);
            long measuredSteps = c > 0 && every > 0 ? (long)((n + c - 1) / Math.Max(1, c)) * every : 0;
            var options = new RelaxedOptions
            {
                Size = parse.GetValue(size),
                Temperature = temperatures[0],
                Shift = parse.GetValue(shift),
                Sampler = kind,
                Samples = n,
                Chains = c,
                Thermalize = parse.GetValue(thermalize) ?? (int)Math.Min(int.MaxValue, Math.Max(200, measuredSteps / 10)),
                MeasureEvery = every,
                Seed = parse.GetValue(seed),
                Hmc = hmc,
                Threads = parse.GetValue(threads),
            };
            options.Validate();
            if (spinModel is not IsingModel)
                return RunAngleModel(cli, spinModel, options, parse.GetValue(output), parse.GetValue(json), parse.GetValue(force));
            // Validates the shift as well, before any output is touched.
            var model = new RelaxedIsing(options.Size, options.Temperature, options.Shift, options.Threads);

            string? outPath = parse.GetValue(output);
            string? jsonPath = parse.GetValue(json);
            new FilePlan(parse.GetValue(force)).Output("--out", outPath).Output("--json", jsonPath).Check();
            var store = OutStore.For(outPath, options.Samples, model.Sites);
            var result = cli.WithProgress($"relaxed {RelaxedSamplerNames.Name(kind)} L={options.Size} T={Format.Number(options.Temperature, "G5")}",
                progress => RelaxedRun.Run(options, model, RelaxedRun.CreateSampler(options, model), progress, store is null ? null : store.Add));
            if (store is not null)
                RelaxedConfigurationFile.Write(outPath!, store.Values, store.Count,
                    new RelaxedConfigurationMetadata(options.Size, options.Temperature, model.Shift, RelaxedSamplerNames.Name(kind), options.Seed, options.Chains));

            double? lnZx = null;
            try
            {
                lnZx = model.LnNormalizer(KaufmanSolution.Compute(options.Size, options.Temperature).LnZ) / model.Sites;
            }
            catch (ArgumentException)
            {
                // No exact ln Z for this (L, T): the normaliser is simply not reported.
            }
            Print(cli, result, lnZx);
            if (jsonPath is not null) ResultJson.Save(jsonPath, RelaxedJson.Result(result, lnZx));
            return 0;
        });
        return command;
    }

    // The clock and XY models: Wolff on the angles (or HMC), two components per site, [n, L, L, 2] files with a model attribute.
    private static int RunAngleModel(CliContext cli, SpinModel spinModel, RelaxedOptions options, string? outPath, string? jsonPath, bool force)
    {
        // Validates the shift as well, before any output is touched.
        var model = new RelaxedAngleModel(spinModel, options.Size, options.Temperature, options.Shift, options.Threads);
        new FilePlan(force).Output("--out", outPath).Output("--json", jsonPath).Check();
        var store = OutStore.For(outPath, options.Samples, model.Dimension);
        var result = cli.WithProgress($"relaxed {spinModel.Name} {RelaxedSamplerNames.Name(options.Sampler)} L={options.Size} T={Format.Number(options.Temperature, "G5")}",
            progress => RelaxedAngleRun.Run(options, model, RelaxedAngleRun.CreateSampler(options, model), progress, store is null ? null : store.Add));
        if (store is not null)
            RelaxedConfigurationFile.Write(outPath!, store.Values, store.Count,
                new RelaxedConfigurationMetadata(options.Size, options.Temperature, model.Shift, RelaxedSamplerNames.Name(options.Sampler),
                    options.Seed, options.Chains, spinModel.Name));
        double? lnZx = null;
        try
        {
            if (ClockExact.HasSolution(spinModel))
                lnZx = model.LnNormalizer(ClockExact.Compute(spinModel, options.Size, options.Temperature).LnZPerSite * model.Sites) / model.Sites;
        }
        catch (ArgumentException)
        {
            // No exact ln Z for this (L, T): the normaliser is simply not reported.
        }
        Print(cli, result, lnZx, spinModel);
        if (jsonPath is not null)
        {
            var node = RelaxedJson.Result(result, lnZx);
            node["model"] = spinModel.Name;
            ResultJson.Save(jsonPath, node);
        }
        return 0;
    }

    private static void Print(CliContext cli, RelaxedResult r, double? lnZx, SpinModel? spinModel = null)
    {
        var o = r.Options;
        var obs = r.Observables;
        string unit = o.Sampler == RelaxedSamplerKind.NaiveHmc ? "trajectories" : "sweeps";
        string name = spinModel is null ? "" : $"{spinModel.Name} ";
        var exact = spinModel is null ? ExactReference.For(o.Size, o.Temperature) : ClockExact.Reference(spinModel, o.Size, o.Temperature);
        var table = ObservablesTable.Create(
            $"relaxed {name}{RelaxedSamplerNames.Name(o.Sampler)}: L = {o.Size}, T = {Format.Number(o.Temperature, "G8")}, c = {Format.Number(r.Shift, "G6")}, " +
            $"{o.Samples} samples from {o.Chains} chains, seed {o.Seed}",
            obs, exact, unit, r.Convergence);
        cli.Console.Write(table);
        if (r.Acceptance is { } a)
            cli.Out.WriteLine($"HMC: acceptance {Format.Number(a.AcceptanceRate, "F3")} (mean probability {Format.Number(a.MeanAcceptanceProbability, "F3")}), " +
                $"step size {Format.Number(r.StepSize ?? double.NaN, "G4")}, {o.Hmc.LeapfrogSteps} leapfrog steps");
        if (lnZx is double z) cli.Out.WriteLine($"exact ln Z_x / N = {Format.Number(z, "F10")}");
        cli.Out.WriteLine($"speed: {Format.Number(r.SecondsPerStep * 1e3, "G4")} ms per step of all chains, " +
            $"{Format.Number(r.SecondsPerIndependentSample * 1e3, "G4")} ms per independent m² sample; wall time {Format.Number(r.Elapsed.TotalSeconds, "F2")} s");
        ObservablesTable.WriteVerdict(cli, r.Convergence);
    }

    /// <summary>The configurations of --out, kept as float32 in one dataset written at the end (within 2 GiB, as mcmc's).</summary>
    private sealed class OutStore(float[] values)
    {
        public float[] Values { get; } = values;
        public int Count { get; private set; }

        public static OutStore? For(string? outPath, int samples, int valuesPerConfiguration)
        {
            if (outPath is null) return null;
            long values = (long)samples * valuesPerConfiguration;
            if (values * sizeof(float) > int.MaxValue)
                throw new UsageException($"--out would hold {values * sizeof(float) / (1 << 20)} MiB of float32 in one dataset (limit 2048 MiB); use fewer --samples");
            return new OutStore(new float[values]);
        }

        public void Add(int chain, ReadOnlySpan<double> x)
        {
            var dst = Values.AsSpan(Count * x.Length, x.Length);
            for (int i = 0; i < x.Length; i++) dst[i] = (float)x[i];
            Count++;
        }
    }
}
