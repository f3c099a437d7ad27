using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.Reporting;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow rescale</c>: approximate temperature rescaling T_x → T_ξ by majority-rule blocking (paper §III B, Fig. 2).</summary>
public static class RescaleCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var size = CommonOptions.Size(16, "Linear size L of the sampled lattice (even, ≥ 4); blocks are L/2 × L/2");
        var temperature = CommonOptions.Temperature("Target temperatures T_x: a value, a list 2.1,2.3, or a range start:stop:count; strictly increasing");
        temperature.DefaultValueFactory = _ => "1.6:3.2:33";
        var samples = new Option<int>("--samples", "-n") { Description = "Measured Swendsen–Wang sweeps per temperature", DefaultValueFactory = _ => 20000 };
        var thermalize = new Option<int?>("--thermalize") { Description = "Sweeps discarded first (default: 10% of --samples, at least 100)" };
        var seed = CommonOptions.Seed();
        var json = CommonOptions.Json();
        var plot = new Option<string?>("--plot") { Description = "Write the paper's Fig. 2 (energies and the map T_ξ(T_x)) to this PNG file" };
        var force = CommonOptions.Force();
        var command = new Command("rescale", "Approximate temperature rescaling: input temperature T_ξ for super-resolution L/2 → L at target T_x")
        {
            size, temperature, samples, thermalize, seed, json, plot, force,
        };
        command.SetAction((parse, cancellation) =>
        {
            double[] temperatures = TemperatureGrid.Parse(parse.GetValue(temperature)!);
            int n = parse.GetValue(samples);
            var options = new TemperatureRescalingOptions(parse.GetValue(size), temperatures, n,
                parse.GetValue(thermalize) ?? Math.Max(100, n / 10), parse.GetValue(seed));
            string? jsonPath = parse.GetValue(json);
            string? plotPath = parse.GetValue(plot);
            new FilePlan(parse.GetValue(force)).Output("--json", jsonPath).Output("--plot", plotPath).Check();

            if (!cli.Interactive)
                cli.Error.WriteLine($"rescale: L = {options.Size} → {options.BlockSize}, {temperatures.Length} temperatures × {n} Swendsen–Wang sweeps");
            var result = cli.WithProgress($"rescale L={options.Size}", progress => TemperatureRescaling.Run(options, progress, cancellation: cancellation));
            Print(cli, result);
            if (jsonPath is not null) ResultJson.Save(jsonPath, ToJson(result));
            if (plotPath is not null) RescalingFigure.Save(result, plotPath);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The JSON document: run settings and one object per grid temperature.</summary>
    public static JsonObject ToJson(TemperatureRescalingResult result)
    {
        var o = result.Options;
        var points = new JsonArray();
        foreach (var p in result.Points)
        {
            points.Add(new JsonObject
            {
                ["temperature"] = p.Temperature,
                ["e_block"] = ResultJson.Estimate(p.BlockEnergy),
                ["e_sampled_L"] = ResultJson.Estimate(p.Energy),
                ["e_exact_L"] = ResultJson.Number(p.ExactEnergy),
                ["e_exact_half"] = ResultJson.Number(p.ExactHalfEnergy),
                ["t_xi"] = ResultJson.Number(p.TXi),
                ["t_xi_error"] = ResultJson.Number(p.TXiError),
            });
        }
        return new JsonObject
        {
            ["size"] = o.Size,
            ["block_size"] = o.BlockSize,
            ["samples"] = o.Samples,
            ["thermalize"] = o.Thermalize,
            ["seed"] = o.Seed,
            ["algorithm"] = "swendsen-wang",
            ["points"] = points,
        };
    }

    private static void Print(CliContext cli, TemperatureRescalingResult result)
    {
        var o = result.Options;
        const double tc = Exact.Onsager.CriticalTemperature;
        var table = new Table().Title($"temperature rescaling: {o.Size}×{o.Size} blocked to {o.BlockSize}×{o.BlockSize}, {o.Samples} SW sweeps per T, seed {o.Seed}");
        table.AddColumn("T_x");
        foreach (var c in new[] { "e_block", "τ(e_block)", "T_ξ", "T_ξ − T_c", "2(T_x − T_c)", "e_L/2(T_ξ) − e_block" })
            table.AddColumn(new TableColumn(Markup.Escape(c)).RightAligned());
        foreach (var p in result.Points)
        {
            bool ok = double.IsFinite(p.TXi);
            // The check is the inversion's residual; it must be at rounding level, far below the error of e_block.
            string check = ok ? Format.Number(KaufmanSolution.Compute(o.BlockSize, p.TXi).Energy - p.BlockEnergy.Mean, "E1") : "";
            table.AddRow(Format.Number(p.Temperature, "F4"), Format.WithError(p.BlockEnergy), Format.Number(p.BlockEnergy.Tau, "F2"),
                ok ? Format.WithError(p.TXi, p.TXiError) : "not invertible",
                ok ? Format.Number(p.TXi - tc, "F4") : "", Format.Number(2 * (p.Temperature - tc), "F4"), check);
        }
        cli.Console.Write(table);
        cli.Out.WriteLine($"wall time {Format.Number(result.Elapsed.TotalSeconds, "F2")} s");
    }
}
