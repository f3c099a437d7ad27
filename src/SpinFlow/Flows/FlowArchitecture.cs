using SpinFlow.IO;
using System.Text.Json.Nodes;
using SpinFlow.Lattice;

namespace SpinFlow.Flows;

/// <summary>
/// A size-independent flow architecture: the bijector shape and a rule that lays out plaquette layers on a lattice of a
/// given size. Equal architectures (record equality) accept each other's parameters when their parameter counts agree.
/// </summary>
public abstract record FlowArchitecture
{
    /// <summary>Shape of every bijector in the flow.</summary>
    public RealNvpOptions Bijector { get; private init; }

    /// <summary>Field components C per site the flow acts on (the bijector's channels): 1 for Ising, 2 for clock and XY.</summary>
    public int Channels => Bijector.Channels;

    /// <summary>Stores the bijector shape.</summary>
    protected FlowArchitecture(RealNvpOptions bijector) => Bijector = bijector ?? throw new ArgumentNullException(nameof(bijector));

    /// <summary>The same architecture for fields of <paramref name="channels"/> components per site.</summary>
    public FlowArchitecture WithChannels(int channels) => this with { Bijector = Bijector.WithChannels(channels) };

    /// <summary>
    /// Throws <see cref="InvalidDataException"/> unless the flow acts on <paramref name="channels"/> components per site;
    /// <paramref name="what"/> names what needs them (e.g. "--model xy").
    /// </summary>
    public void RequireChannels(int channels, string what)
    {
        if (channels != Channels)
            throw new InvalidDataException($"the flow acts on {ChannelWords(Channels)} per site, but {what} needs {ChannelWords(channels)}");
    }

    private static string ChannelWords(int c) => c == 1 ? "1 channel (a one-component field: Ising)" : $"{c} channels";

    /// <summary>Short name used on the command line and in checkpoints ("nnrg", "superres").</summary>
    public abstract string Name { get; }

    /// <summary>Throws <see cref="ArgumentException"/> when the architecture cannot act on an L×L lattice.</summary>
    public abstract void ValidateSize(int size);

    /// <summary>Number of bijectors (parameter blocks) at lattice size L.</summary>
    public abstract int BijectorCount(int size);

    /// <summary>
    /// The plaquette layers at lattice size L in inference order (x → z, fine to coarse); generation applies them in
    /// reverse. Parameter blocks are numbered in this order.
    /// </summary>
    public abstract IReadOnlyList<PlaquetteLayer> InferenceLayers(int size);

    /// <summary>Total number of parameters at lattice size L.</summary>
    public int ParameterCount(int size) => BijectorCount(size) * Bijector.ParameterCount;

    /// <summary>JSON form (with "kind") used by checkpoints and <c>flow-info</c>.</summary>
    public abstract JsonObject ToJson();

    /// <summary>Reads an architecture written by <see cref="ToJson"/>.</summary>
    public static FlowArchitecture FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("architecture: expected a JSON object");
        string kind = JsonFields.String(o, "kind");
        var bijector = RealNvpOptions.FromJson(o["bijector"]);
        try
        {
            return kind switch
            {
                NnrgFlowOptions.KindName => new NnrgFlowOptions(bijector, JsonFields.Int(o, "repeat"), o["depth"] is null ? null : JsonFields.Int(o, "depth")),
                SuperResolutionFlowOptions.KindName => new SuperResolutionFlowOptions(bijector, JsonFields.Int(o, "fine_layers"), JsonFields.Int(o, "coarse_layers")),
                _ => throw new InvalidDataException($"architecture: unknown kind '{kind}' (expected nnrg or superres)"),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"architecture: {e.Message}");
        }
    }
}

/// <summary>
/// NNRG MERA flow with a Gaussian prior (DESIGN.md §5.1): for level n = 0 … log₂L − 1, n_repeat pairs of a disentangler
/// (dilation 2ⁿ, offset 0) and a decimator (dilation 2ⁿ, offset 2ⁿ), in inference order.
/// </summary>
/// <remarks>
/// DESIGN.md says "each repeated n_repeat times"; the pairs are interleaved (dis, dec, dis, dec, …) as in Li &amp; Wang's
/// reference MERA. With n_repeat = 1 both readings coincide. An optional depth keeps only the first levels (finest
/// first); then the parameter count no longer depends on L.
/// </remarks>
public sealed record NnrgFlowOptions : FlowArchitecture
{
    /// <summary>Name on the command line and in checkpoints.</summary>
    public const string KindName = "nnrg";

    /// <summary>Repetitions n_repeat ≥ 1 of the (disentangler, decimator) pair per level.</summary>
    public int Repeat { get; }

    /// <summary>Number of MERA levels; null means all, log₂L.</summary>
    public int? Depth { get; }

    /// <summary>Validates and stores the options.</summary>
    public NnrgFlowOptions(RealNvpOptions bijector, int repeat = 1, int? depth = null) : base(bijector)
    {
        if (repeat < 1 || repeat > 64) throw new ArgumentOutOfRangeException(nameof(repeat), repeat, "n_repeat must be between 1 and 64");
        if (depth is < 1 or > 14) throw new ArgumentOutOfRangeException(nameof(depth), depth, "depth must be between 1 and 14 levels");
        Repeat = repeat;
        Depth = depth;
    }

    /// <summary>The paper's comparison: n_c = 10, h = 10, n_mlp = 3, n_repeat = 1 (63 200 parameters at 32×32).</summary>
    public static NnrgFlowOptions Default { get; } = new(new RealNvpOptions(10, 10, 3));

    /// <summary>The <see cref="Default"/> architecture with the given settings changed (null keeps the default).</summary>
    public static NnrgFlowOptions Shaped(int? couplings = null, int? hidden = null, int? mlpLayers = null, bool equivariant = false,
        int? repeat = null, int? depth = null, int? channels = null) =>
        new(Default.Bijector.Shaped(couplings, hidden, mlpLayers, equivariant, channels), repeat ?? Default.Repeat, depth ?? Default.Depth);

    /// <inheritdoc/>
    public override string Name => KindName;

    /// <summary>Number of MERA levels used at lattice size L: the depth, or log₂L.</summary>
    public int Levels(int size) => Depth ?? System.Numerics.BitOperations.Log2((uint)size);

    /// <inheritdoc/>
    public override void ValidateSize(int size)
    {
        if (size < 2 || !SquareLattice.IsPowerOfTwo(size) || size > 16384)
            throw new ArgumentOutOfRangeException(nameof(size), size, "the NNRG flow needs a lattice size that is a power of two between 2 and 16384");
        if (Depth is int d && (1 << d) > size)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"an NNRG flow of depth {d} needs a lattice of at least {1 << d}×{1 << d}");
    }

    /// <inheritdoc/>
    public override int BijectorCount(int size)
    {
        ValidateSize(size);
        return 2 * Repeat * Levels(size);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PlaquetteLayer> InferenceLayers(int size)
    {
        ValidateSize(size);
        var layers = new List<PlaquetteLayer>();
        for (int n = 0; n < Levels(size); n++)
        {
            int d = 1 << n;
            for (int r = 0; r < Repeat; r++)
            {
                layers.Add(new PlaquetteLayer(size, d, 0, layers.Count, "disentangler"));
                layers.Add(new PlaquetteLayer(size, d, d % size, layers.Count, "decimator"));
            }
        }
        return layers;
    }

    /// <inheritdoc/>
    public override JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["kind"] = KindName,
            ["bijector"] = Bijector.ToJson(),
            ["repeat"] = Repeat,
        };
        if (Depth is int d) o["depth"] = d;
        return o;
    }
}

/// <summary>
/// Super-resolution flow Flow_L (DESIGN.md §5.2) on the 2L×2L lattice. In inference order (x → z): fine layers acting
/// on the whole lattice (dilation 1, offsets 0 and 1), then coarse layers acting on the (2i, 2j) sublattice that carries
/// ξ (dilation 2, offsets 0 and 2). Each layer holds two plaquette sub-layers, each with its own bijector.
/// </summary>
public sealed record SuperResolutionFlowOptions : FlowArchitecture
{
    /// <summary>Name on the command line and in checkpoints.</summary>
    public const string KindName = "superres";

    /// <summary>Fine layers (whole lattice), each two sub-layers; 8 in the paper.</summary>
    public int FineLayers { get; }
    /// <summary>Coarse layers (ξ sublattice), each two sub-layers; 8 in the paper.</summary>
    public int CoarseLayers { get; }

    /// <summary>Validates and stores the options.</summary>
    public SuperResolutionFlowOptions(RealNvpOptions bijector, int fineLayers = 8, int coarseLayers = 8) : base(bijector)
    {
        if (fineLayers < 0 || fineLayers > 1024) throw new ArgumentOutOfRangeException(nameof(fineLayers), fineLayers, "fine layers must be between 0 and 1024");
        if (coarseLayers < 0 || coarseLayers > 1024) throw new ArgumentOutOfRangeException(nameof(coarseLayers), coarseLayers, "coarse layers must be between 0 and 1024");
        if (fineLayers + coarseLayers == 0) throw new ArgumentOutOfRangeException(nameof(fineLayers), fineLayers, "the flow needs at least one layer");
        FineLayers = fineLayers;
        CoarseLayers = coarseLayers;
    }

    /// <summary>The paper's architecture: 8 + 8 layers, 10 couplings, 4 → 6 → 4 nets (38 400 parameters at every L).</summary>
    public static SuperResolutionFlowOptions Default { get; } = new(new RealNvpOptions(10, 6, 1));

    /// <summary>The <see cref="Default"/> architecture with the given settings changed (null keeps the default).</summary>
    public static SuperResolutionFlowOptions Shaped(int? couplings = null, int? hidden = null, int? mlpLayers = null, bool equivariant = false,
        int? fineLayers = null, int? coarseLayers = null, int? channels = null) =>
        new(Default.Bijector.Shaped(couplings, hidden, mlpLayers, equivariant, channels), fineLayers ?? Default.FineLayers, coarseLayers ?? Default.CoarseLayers);

    /// <inheritdoc/>
    public override string Name => KindName;

    /// <inheritdoc/>
    public override void ValidateSize(int size)
    {
        // The coarse stage tiles the (2i, 2j) sublattice with dilation 2, so 4 must divide the output size 2L.
        int multiple = CoarseLayers > 0 ? 4 : 2;
        if (size < multiple || size % multiple != 0 || size > 16384)
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"the super-resolution flow needs an output lattice size 2L that is a multiple of {multiple} (L even) and at most 16384");
    }

    /// <inheritdoc/>
    public override int BijectorCount(int size)
    {
        ValidateSize(size);
        return 2 * (FineLayers + CoarseLayers);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<PlaquetteLayer> InferenceLayers(int size)
    {
        ValidateSize(size);
        var layers = new List<PlaquetteLayer>();
        for (int l = 0; l < FineLayers; l++)
        {
            layers.Add(new PlaquetteLayer(size, 1, 0, layers.Count, "fine"));
            layers.Add(new PlaquetteLayer(size, 1, 1, layers.Count, "fine"));
        }
        for (int l = 0; l < CoarseLayers; l++)
        {
            layers.Add(new PlaquetteLayer(size, 2, 0, layers.Count, "coarse"));
            layers.Add(new PlaquetteLayer(size, 2, 2 % size, layers.Count, "coarse"));
        }
        return layers;
    }

    /// <inheritdoc/>
    public override JsonObject ToJson() => new()
    {
        ["kind"] = KindName,
        ["bijector"] = Bijector.ToJson(),
        ["fine_layers"] = FineLayers,
        ["coarse_layers"] = CoarseLayers,
    };
}
