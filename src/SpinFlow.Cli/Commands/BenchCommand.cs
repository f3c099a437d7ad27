using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.IO;
using SpinFlow.Training;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow bench</c>: performance measurements; <c>bench flow</c> times flow training steps or generation.</summary>
public static class BenchCommand
{
    /// <summary>Builds the command with its subcommands.</summary>
    public static Command Create(CliContext cli)
    {
        var command = new Command("bench", "Performance measurements (see docs/BENCHMARKS.md)");
        command.Subcommands.Add(CreateFlow(cli));
        return command;
    }

    private static Command CreateFlow(CliContext cli)
    {
        var arch = new FlowArchitectureOptions();
        var batch = new Option<int>("--batch", "-b") { Description = "Samples per step", DefaultValueFactory = _ => 64 };
        var steps = new Option<int>("--steps", "-n") { Description = "Timed steps", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Untimed steps first (the JIT needs a few to reach its optimised code)", DefaultValueFactory = _ => 10 };
        var threads = CommonOptions.Threads("Worker threads", "-t");
        var mode = new Option<string>("--mode") { Description = "train (generate + energy + backward + Adam) | generate (sampling only)", DefaultValueFactory = _ => "train" };
        var seed = CommonOptions.Seed("Seed of parameters and latents");
        var energy = new Option<string>("--energy")
        {
            Description = $"Training target: relaxed (the relaxed --model: Ising at T_c, clock:Q and xy at T = {FlowBenchmark.AngleModelTemperature}) | quadratic (cheap Gaussian stand-in, one per channel)",
            DefaultValueFactory = _ => "relaxed",
        };
        var json = CommonOptions.Json();
        var force = CommonOptions.Force();
        var command = new Command("flow", "Time full training steps (generate, loss = mean(−log-det + E_x), backward, Adam) or generation of a flow on random latents");
        arch.AddTo(command);
        foreach (Option o in new Option[] { batch, steps, warmup, threads, mode, seed, energy, json, force }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var (architecture, size) = arch.Build(parse);
            var spinModel = arch.SpinModelOf(parse);
            var m = parse.GetValue(mode)!.Trim().ToLowerInvariant() switch
            {
                "train" => FlowBenchmarkMode.Train,
                "generate" => FlowBenchmarkMode.Generate,
                var other => throw new UsageException($"unknown mode '{other}' (expected train or generate)"),
            };
            int threadCount = parse.GetValue(threads);
            var options = new FlowBenchmarkOptions(architecture, size, parse.GetValue(batch), parse.GetValue(steps), parse.GetValue(warmup),
                threadCount == 0 ? Environment.ProcessorCount : threadCount, m, parse.GetValue(seed));
            ILatticeEnergy target = parse.GetValue(energy)!.Trim().ToLowerInvariant() switch
            {
                "relaxed" => FlowBenchmark.DefaultEnergy(spinModel, size),
                "quadratic" => new QuadraticLatticeEnergy(size, 1.0, 0.2, architecture.Channels),
                var other => throw new UsageException($"unknown energy '{other}' (expected relaxed or quadratic)"),
            };
            string? jsonPath = parse.GetValue(json);
            new FilePlan(parse.GetValue(force)).Output("--json", jsonPath).Check();
            var r = cli.WithProgress($"bench {architecture.Name} L={size}{(architecture.Channels != 1 ? $" C={architecture.Channels}" : "")}", p => FlowBenchmark.Run(options, target, p));
            Print(cli, r);
            if (jsonPath is not null) ResultJson.Save(jsonPath, ToJson(r));
            return 0;
        });
        return command;
    }

    internal static JsonObject ToJson(FlowBenchmarkResult r) => new()
    {
        ["architecture"] = r.Options.Architecture.Name,
        ["size"] = r.Options.Size,
        ["options"] = r.Options.Architecture.ToJson(),
        ["parameters"] = r.Parameters,
        ["channels"] = r.Options.Architecture.Channels,
        ["mode"] = r.Options.Mode == FlowBenchmarkMode.Train ? "train" : "generate",
        ["batch"] = r.Options.Batch,
        ["steps"] = r.Options.Steps,
        ["warmup"] = r.Options.Warmup,
        ["threads"] = r.Options.Threads,
        ["energy"] = r.Energy,
        ["ms_per_step"] = ResultJson.Number(r.MedianMs),
        ["ms_per_step_min"] = ResultJson.Number(r.MinMs),
        ["ms_per_step_mean"] = ResultJson.Number(r.MeanMs),
        ["gflops"] = ResultJson.Number(r.Gflops),
        ["mlp_flops_per_step"] = ResultJson.Number(r.MlpFlopsPerStep),
        ["generate_ms"] = ResultJson.Number(r.GenerateMs),
        ["energy_ms"] = ResultJson.Number(r.EnergyMs),
        ["backward_ms"] = ResultJson.Number(r.BackwardMs),
        ["optimizer_ms"] = ResultJson.Number(r.OptimizerMs),
        ["samples_per_second"] = ResultJson.Number(r.SamplesPerSecond),
        ["cpu_ms_per_step"] = ResultJson.Number(r.CpuMsPerStep),
        ["tape_bytes"] = r.TapeBytes,
        ["peak_working_set_bytes"] = r.PeakWorkingSetBytes,
        ["processor_count"] = Environment.ProcessorCount,
    };

    private static void Print(CliContext cli, FlowBenchmarkResult r)
    {
        var o = r.Options;
        bool train = o.Mode == FlowBenchmarkMode.Train;
        var table = new Table().Title(Markup.Escape(
            $"{o.Architecture.Name} L = {o.Size}{(o.Architecture.Channels != 1 ? $", C = {o.Architecture.Channels}" : "")}, batch {o.Batch}, {o.Threads} thread(s), {o.Steps} steps ({(train ? "training" : "generation")}), {r.Parameters} parameters"));
        table.AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("ms per step (median)", Format.Number(r.MedianMs, "F2"));
        table.AddRow("ms per step (min / mean)", $"{Format.Number(r.MinMs, "F2")} / {Format.Number(r.MeanMs, "F2")}");
        table.AddRow("MLP GFLOP/s", Format.Number(r.Gflops, "F2"));
        if (train)
        {
            table.AddRow("  generate (taped)", Format.Number(r.GenerateMs, "F2") + " ms");
            table.AddRow(Markup.Escape("  energy + ∂E/∂x"), Format.Number(r.EnergyMs, "F2") + " ms");
            table.AddRow("  backward", Format.Number(r.BackwardMs, "F2") + " ms");
            table.AddRow("  Adam", Format.Number(r.OptimizerMs, "F2") + " ms");
            table.AddRow("tape", Format.Number(r.TapeBytes / 1048576.0, "F1") + " MiB");
        }
        table.AddRow("samples per second", Format.Number(r.SamplesPerSecond, "F0"));
        table.AddRow("CPU ms per step (all threads)", $"{Format.Number(r.CpuMsPerStep, "F2")} ({Format.Number(r.CpuMsPerStep / r.MeanMs, "F2")} cores busy)");
        table.AddRow("peak working set", Format.Number(r.PeakWorkingSetBytes / 1048576.0, "F0") + " MiB");
        cli.Console.Write(table);
        if (train) cli.Out.WriteLine($"energy: {r.Energy}");
    }
}
