using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using SpinFlow.Flows;
using SpinFlow.IO;

namespace SpinFlow.Cli.Commands;

/// <summary><c>spinflow flow-info</c>: layer structure and parameter count of a flow architecture.</summary>
public static class FlowInfoCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(CliContext cli)
    {
        var arch = new FlowArchitectureOptions();
        var json = CommonOptions.Json();
        var command = new Command("flow-info", "Layer structure and parameter count of a flow (nnrg or superres)");
        arch.AddTo(command);
        command.Options.Add(json);
        var force = CommonOptions.Force();
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            var (architecture, size) = arch.Build(parse);
            string? jsonPath = parse.GetValue(json);
            new FilePlan(parse.GetValue(force)).Output("--json", jsonPath).Check();
            // Identity parameters are enough to describe the structure and count the work.
            var flow = new Flow(architecture, size, new float[architecture.ParameterCount(size)]);
            Print(cli, flow);
            if (jsonPath is not null) ResultJson.Save(jsonPath, Describe(flow));
            return 0;
        });
        return command;
    }

    /// <summary>{"architecture":..,"size":..,"parameters":N,..}.</summary>
    internal static JsonObject Describe(Flow flow)
    {
        var a = flow.Architecture;
        var o = new JsonObject
        {
            ["architecture"] = a.Name,
            ["size"] = flow.Size,
            ["parameters"] = flow.ParameterCount,
            ["active_parameters"] = ActiveParameters(flow),
            ["bijectors"] = a.BijectorCount(flow.Size),
            ["parameters_per_bijector"] = a.Bijector.ParameterCount,
            ["parameters_per_coupling"] = a.Bijector.ParametersPerCoupling,
            ["channels"] = a.Channels,
            ["options"] = a.ToJson(),
            ["mlp_flops_per_sample"] = flow.MlpFlopsPerSample(),
            ["layers"] = new JsonArray(flow.Layers.Select(l => (JsonNode)new JsonObject
            {
                ["role"] = l.Role,
                ["dilation"] = l.Dilation,
                ["offset"] = l.Offset,
                ["plaquettes"] = l.PlaquetteCount,
                ["bijector"] = l.Bijector,
            }).ToArray()),
        };
        if (a is SuperResolutionFlowOptions) o["input_size"] = flow.Size / 2;
        return o;
    }

    /// <summary>Parameters that affect the flow (the packed layout the kernels use): the total less the dead, masked ones.</summary>
    private static int ActiveParameters(Flow flow) => flow.Architecture.BijectorCount(flow.Size) * RealNvpBijector.ActiveParameterCount(flow.Architecture.Bijector);

    private static void Print(CliContext cli, Flow flow)
    {
        var a = flow.Architecture;
        string what = a is SuperResolutionFlowOptions ? $"superres flow Flow_{flow.Size / 2} ({flow.Size / 2}×{flow.Size / 2} → {flow.Size}×{flow.Size})" : $"nnrg flow on {flow.Size}×{flow.Size}";
        var table = new Table().Title(Markup.Escape($"{what}: layers in generation order (z → x)"));
        table.AddColumn(new TableColumn("#").RightAligned()).AddColumn("role").AddColumn(new TableColumn("dilation").RightAligned())
            .AddColumn(new TableColumn("offset").RightAligned()).AddColumn(new TableColumn("plaquettes").RightAligned())
            .AddColumn(new TableColumn("bijector").RightAligned()).AddColumn(new TableColumn("parameters").RightAligned());
        int i = 0;
        foreach (var l in flow.Layers)
            table.AddRow((++i).ToString(), l.Role, l.Dilation.ToString(), l.Offset.ToString(), l.PlaquetteCount.ToString(), l.Bijector.ToString(), a.Bijector.ParameterCount.ToString());
        cli.Console.Write(table);
        cli.Out.WriteLine($"bijector: RealNVP, {a.Bijector} ({a.Bijector.ParametersPerCoupling} parameters per coupling, {a.Bijector.ParameterCount} per bijector)");
        cli.Out.WriteLine($"parameters: {flow.ParameterCount} ({a.BijectorCount(flow.Size)} bijectors; {ActiveParameters(flow)} reach the flow, the rest are the masked columns and rows of the PyTorch layout)");
        cli.Out.WriteLine($"channels: {a.Channels} per site (plaquette {a.Bijector.PlaquetteEntries}-vectors split {2 * a.Channels} | {2 * a.Channels}, nets {2 * a.Channels} → {a.Bijector.Hidden} → {2 * a.Channels})");
        cli.Out.WriteLine($"MLP work: {Format.Number(flow.MlpFlopsPerSample() / 1e6, "F2")} MFLOP per generated sample");
    }
}
