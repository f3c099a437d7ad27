using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow mcmc</c>: reference Monte Carlo in spin space with the observables table.</summary>
public static class McmcCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var size = CommonOptions.Size(32);
        var temperature = CommonOptions.Temperature();
        var model = CommonOptions.Model();
        var algorithm = new Option<string?>("--algorithm", "-a") { Description = "metropolis | sw | wolff (default: sw for ising, wolff for clock:Q and xy)" };
        var sweeps = new Option<int>("--sweeps", "-n") { Description = "Measured sweeps (a Wolff sweep flips ≥ N spins)", DefaultValueFactory = _ => 20000 };
        var thermalize = new Option<int?>("--thermalize") { Description = "Sweeps discarded first (default: 10% of --sweeps, at least 100)" };
        var seed = CommonOptions.Seed();
        var measureEvery = new Option<int>("--measure-every") { Description = "Measure every k-th sweep", DefaultValueFactory = _ => 1 };
        var saveConfigs = new Option<string?>("--save-configs") { Description = "Save measured configurations to this HDF5 file (dataset 'configs', int8 [n, L, L])" };
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();

        var command = new Command("mcmc", "Reference Monte Carlo (Metropolis, Swendsen–Wang, Wolff) with error bars and autocorrelation times")
        {
            size, temperature, model, algorithm, sweeps, thermalize, seed, measureEvery, saveConfigs, json, force,
        };
        command.SetAction(parse =>
        {
            SpinModel spinModel = SpinModel.Parse(parse.GetValue(model)!);
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!, spinModel);
            SpinAlgorithm alg = SpinSamplers.Parse(parse.GetValue(algorithm) ?? (spinModel is IsingModel ? "sw" : "wolff"));
            int n = parse.GetValue(sweeps);
            int therm = parse.GetValue(thermalize) ?? Math.Max(100, n / 10);
            var options = temperatures
                .Select(t => new McmcOptions(parse.GetValue(size), t, alg, n, therm, parse.GetValue(measureEvery), parse.GetValue(seed)))
                .ToArray();
            string? configsPath = parse.GetValue(saveConfigs);
            string? jsonPath = parse.GetValue(json);
            if (spinModel is not IsingModel)
            {
                if (configsPath is not null)
                    throw new UsageException($"--save-configs writes ±1 Ising configurations; it is not available for --model {spinModel.Name}");
                if (alg == SpinAlgorithm.SwendsenWang)
                    throw new UsageException($"--algorithm sw is not available for --model {spinModel.Name}; use metropolis or wolff");
                new FilePlan(parse.GetValue(force)).Output("--json", jsonPath).Check();
                RunAngleModel(cli, spinModel, options, jsonPath);
                return 0;
            }
            var configPaths = configsPath is null ? new string?[options.Length] : ConfigPaths(configsPath, temperatures);
            var files = new FilePlan(parse.GetValue(force)).Output("--json", jsonPath);
            foreach (var p in configPaths) files.Output("--save-configs", p);
            files.Check();
            if (configsPath is not null)
            {
                long bytes = (long)options[0].Measurements * options[0].Size * options[0].Size;
                if (bytes > int.MaxValue) throw new UsageException($"--save-configs would hold {bytes / (1 << 20)} MiB per temperature; raise --measure-every");
            }

            var results = new List<McmcResult>();
            for (int i = 0; i < options.Length; i++)
            {
                var o = options[i];
                sbyte[]? store = configPaths[i] is null ? null : new sbyte[(long)o.Measurements * o.Size * o.Size];
                int saved = 0;
                Action<ReadOnlySpan<sbyte>>? save = store is null ? null : spins =>
                {
                    spins.CopyTo(store.AsSpan(saved * spins.Length));
                    saved++;
                };
                if (!cli.Interactive && options.Length > 1)
                    cli.Error.WriteLine($"mcmc: L = {o.Size}, T = {Format.Number(o.Temperature)} ({i + 1}/{options.Length})");
                var r = cli.WithProgress($"{SpinSamplers.Name(alg)} L={o.Size} T={Format.Number(o.Temperature, "G5")}",
                    progress => MarkovChainRun.Run(o, progress, save));
                results.Add(r);
                if (store is not null)
                    SpinConfigurationFile.Write(configPaths[i]!, store, saved,
                        new SpinConfigurationMetadata(o.Size, o.Temperature, SpinSamplers.Name(alg), o.Seed, o.MeasureEvery));
            }

            if (results.Count == 1) PrintSingle(cli, results[0]);
            else PrintScan(cli, results);
            if (jsonPath is not null)
            {
                JsonNode node = results.Count == 1 ? ResultJson.Mcmc(results[0]) : new JsonArray(results.Select(r => (JsonNode)ResultJson.Mcmc(r)).ToArray());
                ResultJson.Save(jsonPath, node);
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// With several temperatures each gets its own file, name-T2.2692.h5; where four decimals would give two
    /// temperatures one name, every name carries the shortest exact form of its temperature.
    /// </summary>
    private static string?[] ConfigPaths(string path, double[] temperatures)
    {
        if (temperatures.Length == 1) return [path];
        for (int i = 0; i < temperatures.Length; i++)
            for (int j = 0; j < i; j++)
                if (temperatures[i] == temperatures[j])
                    throw new UsageException($"--temperature lists {Format.Number(temperatures[i])} twice: each temperature is one run and one --save-configs file");
        string ext = Path.GetExtension(path);
        string stem = Path.ChangeExtension(path, null) + "-T";
        if (ext.Length == 0) ext = ".h5";
        string[] names = temperatures.Select(t => stem + Format.Number(t, "F4") + ext).ToArray();
        if (names.Distinct().Count() < names.Length) names = temperatures.Select(t => stem + Format.Number(t, "R") + ext).ToArray();
        return names;
    }

    private static void RunAngleModel(CliContext cli, SpinModel model, McmcOptions[] options, string? jsonPath)
    {
        var results = new List<AngleMcmcResult>();
        for (int i = 0; i < options.Length; i++)
        {
            var o = options[i];
            if (!cli.Interactive && options.Length > 1)
                cli.Error.WriteLine($"mcmc: {model.Name}, L = {o.Size}, T = {Format.Number(o.Temperature)} ({i + 1}/{options.Length})");
            results.Add(cli.WithProgress($"{model.Name} {SpinSamplers.Name(o.Algorithm)} L={o.Size} T={Format.Number(o.Temperature, "G5")}",
                progress => AngleChainRun.Run(model, o, progress)));
        }
        if (results.Count == 1) PrintAngleSingle(cli, results[0]);
        else PrintAngleScan(cli, results);
        if (jsonPath is not null)
        {
            JsonNode node = results.Count == 1 ? ResultJson.AngleMcmc(results[0]) : new JsonArray(results.Select(r => (JsonNode)ResultJson.AngleMcmc(r)).ToArray());
            ResultJson.Save(jsonPath, node);
        }
    }

    private static void PrintAngleSingle(CliContext cli, AngleMcmcResult r)
    {
        var o = r.Options;
        var exact = ClockExact.Reference(r.Model, o.Size, o.Temperature);
        var table = ObservablesTable.Create(
            $"{r.Model.Name} {SpinSamplers.Name(o.Algorithm)}: L = {o.Size}, T = {Format.Number(o.Temperature, "G8")}, {r.Energy.Length} measurements, seed {o.Seed}",
            r.Observables.Base, exact, "sweeps", r.Convergence);
        ObservablesTable.AddAngleRows(table, r.Observables, r.Convergence);
        cli.Console.Write(table);
        cli.Out.WriteLine($"speed: {Format.Number(r.SpinUpdatesPerNs, "F3")} spin updates/ns, wall time {Format.Number(r.Elapsed.TotalSeconds, "F2")} s");
        ObservablesTable.WriteVerdict(cli, r.Convergence);
    }

    private static void PrintAngleScan(CliContext cli, IReadOnlyList<AngleMcmcResult> results)
    {
        var o = results[0].Options;
        var temperatures = results.Select(r => r.Options.Temperature).ToArray();
        var table = new Table().Title($"{results[0].Model.Name} {SpinSamplers.Name(o.Algorithm)}: L = {o.Size}, {o.Sweeps} sweeps per temperature, seed {o.Seed}");
        table.AddColumn("T");
        foreach (var c in new[] { "⟨e⟩", "c", "⟨m²⟩", "⟨|m|⟩", "χ", "U₄", "Υ", "vortices", "τ(e)", "τ(m²)", "spins/ns", "converged" })
            table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        foreach (var r in results)
        {
            var b = r.Observables.Base;
            table.AddRow(TemperatureLabel(r.Options.Temperature, temperatures), Format.WithError(b.Energy), Format.WithError(b.SpecificHeat),
                Format.WithError(b.M2), Format.WithError(b.AbsM), Format.WithError(b.Susceptibility), Format.WithError(b.Binder),
                Format.WithError(r.Observables.Helicity), Format.WithError(r.Observables.VortexDensity),
                Format.Number(b.Energy.Tau, "F1"), Format.Number(b.M2.Tau, "F1"), Format.Number(r.SpinUpdatesPerNs, "F3"),
                r.Convergence is null ? "" : r.Convergence.Verdict.Converged ? "yes" : "NO");
        }
        cli.Console.Write(table);
        foreach (var r in results.Where(r => r.Convergence is { Verdict.Converged: false }))
            ObservablesTable.WriteVerdict(cli, r.Convergence, $"T = {TemperatureLabel(r.Options.Temperature, temperatures)}: ");
    }

    private static void PrintSingle(CliContext cli, McmcResult r)
    {
        var o = r.Options;
        // A physicist's first question is whether the run agrees with what is known exactly.
        var table = ObservablesTable.Create(
            $"{SpinSamplers.Name(o.Algorithm)}: L = {o.Size}, T = {Format.Number(o.Temperature, "G8")}, {r.Energy.Length} measurements, seed {o.Seed}",
            r.Observables, ExactReference.For(o.Size, o.Temperature), "sweeps", r.Convergence);
        cli.Console.Write(table);
        cli.Out.WriteLine($"speed: {Format.Number(r.SpinUpdatesPerNs, "F3")} spin updates/ns, wall time {Format.Number(r.Elapsed.TotalSeconds, "F2")} s");
        ObservablesTable.WriteVerdict(cli, r.Convergence);
    }

    private static void PrintScan(CliContext cli, IReadOnlyList<McmcResult> results)
    {
        var o = results[0].Options;
        var temperatures = results.Select(r => r.Options.Temperature).ToArray();
        var table = new Table().Title($"{SpinSamplers.Name(o.Algorithm)}: L = {o.Size}, {o.Sweeps} sweeps per temperature, seed {o.Seed}");
        table.AddColumn("T");
        foreach (var c in new[] { "⟨e⟩", "c", "⟨m²⟩", "⟨|m|⟩", "χ", "U₄", "τ(e)", "τ(m²)", "spins/ns", "converged" })
            table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        foreach (var r in results)
        {
            var b = r.Observables;
            table.AddRow(TemperatureLabel(r.Options.Temperature, temperatures), Format.WithError(b.Energy), Format.WithError(b.SpecificHeat),
                Format.WithError(b.M2), Format.WithError(b.AbsM), Format.WithError(b.Susceptibility), Format.WithError(b.Binder),
                Format.Number(b.Energy.Tau, "F1"), Format.Number(b.M2.Tau, "F1"), Format.Number(r.SpinUpdatesPerNs, "F3"),
                r.Convergence is null ? "" : r.Convergence.Verdict.Converged ? "yes" : "NO");
        }
        cli.Console.Write(table);
        foreach (var r in results.Where(r => r.Convergence is { Verdict.Converged: false }))
            ObservablesTable.WriteVerdict(cli, r.Convergence, $"T = {TemperatureLabel(r.Options.Temperature, temperatures)}: ");
    }

    /// <summary>T with four decimals, or with all its digits where four would give two rows one label (as the file names do).</summary>
    private static string TemperatureLabel(double t, double[] all) =>
        all.Select(x => Format.Number(x, "F4")).Distinct().Count() == all.Length ? Format.Number(t, "F4") : Format.Number(t, "R");
}
