using System.CommandLine;
using SpinFlow.Flows;
using SpinFlow.Lattice;

namespace SpinFlow.Cli.Commands;

/// <summary>The architecture options shared by the flow commands (--architecture, --size, --model and the shape overrides).</summary>
internal sealed class FlowArchitectureOptions
{
    public Option<string> Architecture { get; } = new("--architecture", "-a")
    {
        Description = "nnrg (MERA flow, Gaussian prior) | superres (Flow_L: L×L → 2L×2L)",
        DefaultValueFactory = _ => "nnrg",
    };
    public Option<int> Size { get; } = new("--size", "-L")
    {
        Description = "Lattice side the flow acts on; for superres the output size 2L (Flow_16 is --size 32)",
        Required = true,
    };
    public Option<int?> Couplings { get; } = new("--couplings") { Description = "Coupling layers per bijector n_c (default 10)" };
    public Option<int?> Hidden { get; } = new("--hidden") { Description = "Hidden width h of the S and T nets (default: nnrg 10, superres 6)" };
    public Option<int?> MlpLayers { get; } = new("--mlp-layers") { Description = "Hidden layers n_mlp of the S and T nets (default: nnrg 3, superres 1)" };
    public Option<bool> Equivariant { get; } = new("--equivariant") { Description = "Even S and odd T nets: the flow is odd, f(−z) = −f(z)" };
    public Option<int?> Repeat { get; } = new("--repeat") { Description = "nnrg: (disentangler, decimator) pairs per level n_repeat (default 1)" };
    public Option<int?> Depth { get; } = new("--depth") { Description = "nnrg: MERA levels (default all, log₂L)" };
    public Option<int?> FineLayers { get; } = new("--fine-layers") { Description = "superres: layers on the whole lattice (default 8)" };
    public Option<int?> CoarseLayers { get; } = new("--coarse-layers") { Description = "superres: layers on the ξ sublattice (default 8)" };
    public Option<string> Model { get; } = CommonOptions.Model($"Spin model, which sets the channels per site (ising 1; clock:Q and xy 2): {SpinModel.ValidNames}");

    public void AddTo(Command command)
    {
        foreach (Option o in new Option[] { Architecture, Size, Model, Couplings, Hidden, MlpLayers, Equivariant, Repeat, Depth, FineLayers, CoarseLayers })
            command.Options.Add(o);
    }

    /// <summary>The spin model of --model.</summary>
    public SpinModel SpinModelOf(ParseResult parse) => SpinModel.Parse(parse.GetValue(Model)!);

    /// <summary>Builds the validated architecture (channels from --model) and checks the size; bad combinations are usage errors.</summary>
    public (FlowArchitecture Architecture, int Size) Build(ParseResult parse)
    {
        string kind = parse.GetValue(Architecture)!.Trim().ToLowerInvariant();
        int size = parse.GetValue(Size);
        int channels = SpinModelOf(parse).Components;
        FlowArchitecture arch;
        switch (kind)
        {
            case NnrgFlowOptions.KindName:
                Reject(parse, FineLayers, kind);
                Reject(parse, CoarseLayers, kind);
                arch = NnrgFlowOptions.Shaped(parse.GetValue(Couplings), parse.GetValue(Hidden), parse.GetValue(MlpLayers), parse.GetValue(Equivariant),
                    parse.GetValue(Repeat), parse.GetValue(Depth), channels);
                break;
            case SuperResolutionFlowOptions.KindName:
                Reject(parse, Repeat, kind);
                Reject(parse, Depth, kind);
                arch = SuperResolutionFlowOptions.Shaped(parse.GetValue(Couplings), parse.GetValue(Hidden), parse.GetValue(MlpLayers), parse.GetValue(Equivariant),
                    parse.GetValue(FineLayers), parse.GetValue(CoarseLayers), channels);
                break;
            default:
                throw new UsageException($"unknown architecture '{kind}' (expected nnrg or superres)");
        }
        arch.ValidateSize(size);
        return (arch, size);
    }

    private static void Reject(ParseResult parse, Option<int?> option, string kind)
    {
        if (parse.GetValue(option) is not null) throw new UsageException($"{option.Name} does not apply to the {kind} architecture");
    }
}
