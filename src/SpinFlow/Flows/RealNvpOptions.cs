using SpinFlow.IO;
using System.Text.Json.Nodes;

namespace SpinFlow.Flows;

/// <summary>
/// Shape of the RealNVP bijector shared by all plaquettes of a layer (DESIGN.md §5); validated on construction. With C
/// channels per site a plaquette is a 4C-vector and every coupling splits it 2C | 2C (two sites with all their channels).
/// </summary>
public sealed record RealNvpOptions
{
    /// <summary>Number of coupling layers n_c ≥ 1.</summary>
    public int Couplings { get; }
    /// <summary>Hidden width h ≥ 1 of the S and T nets.</summary>
    public int Hidden { get; }
    /// <summary>Number of hidden layers n_mlp ≥ 1: the nets are 4C → h → (h → h)×(n_mlp−1) → 4C (2C → … → 2C active).</summary>
    public int MlpLayers { get; }
    /// <summary>Z₂ option: S nets even and T nets odd, which makes the whole flow odd, f(−z) = −f(z) (all channels flip together).</summary>
    public bool Equivariant { get; }
    /// <summary>Field components C per site (1: Ising; 2: the relaxed clock and XY fields).</summary>
    public int Channels { get; }

    /// <summary>Largest number of channels per site.</summary>
    public const int MaxChannels = 16;

    /// <summary>Validates and stores the shape.</summary>
    public RealNvpOptions(int couplings, int hidden, int mlpLayers, bool equivariant = false, int channels = 1)
    {
        if (channels < 1 || channels > MaxChannels) throw new ArgumentOutOfRangeException(nameof(channels), channels, $"channels per site must be between 1 and {MaxChannels}");
        if (couplings < 1 || couplings > 1000) throw new ArgumentOutOfRangeException(nameof(couplings), couplings, "couplings must be between 1 and 1000");
        if (hidden < 1 || hidden > 1024) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden width must be between 1 and 1024");
        if (mlpLayers < 1 || mlpLayers > 64) throw new ArgumentOutOfRangeException(nameof(mlpLayers), mlpLayers, "MLP hidden layers must be between 1 and 64");
        Couplings = couplings;
        Hidden = hidden;
        MlpLayers = mlpLayers;
        Equivariant = equivariant;
        Channels = channels;
    }

    /// <summary>This shape with the given settings changed (null keeps the current value).</summary>
    public RealNvpOptions Shaped(int? couplings, int? hidden, int? mlpLayers, bool equivariant, int? channels = null) =>
        new(couplings ?? Couplings, hidden ?? Hidden, mlpLayers ?? MlpLayers, equivariant, channels ?? Channels);

    /// <summary>This shape for fields of <paramref name="channels"/> components per site.</summary>
    public RealNvpOptions WithChannels(int channels) => new(Couplings, Hidden, MlpLayers, Equivariant, channels);

    /// <summary>Entries of a plaquette vector, 4C.</summary>
    public int PlaquetteEntries => 4 * Channels;

    /// <summary>Parameters of one S or T net: 4C·h + h + (n_mlp−1)(h²+h) + 4C·h + 4C (5h + … + 4h + 4 at C = 1).</summary>
    public int ParametersPerNet => PlaquetteEntries * Hidden + Hidden + (MlpLayers - 1) * (Hidden * Hidden + Hidden) + PlaquetteEntries * Hidden + PlaquetteEntries;

    /// <summary>Parameters of one coupling: two nets and the 4C-vector a.</summary>
    public int ParametersPerCoupling => 2 * ParametersPerNet + PlaquetteEntries;

    /// <summary>Parameters of one bijector (n_c couplings).</summary>
    public int ParameterCount => Couplings * ParametersPerCoupling;

    /// <summary>
    /// JSON form used by checkpoints and <c>flow-info</c>. "channels" is written only when C ≠ 1, so one-channel (Ising)
    /// files stay as they were and files without the field read as C = 1.
    /// </summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject
        {
            ["couplings"] = Couplings,
            ["hidden"] = Hidden,
            ["mlp_layers"] = MlpLayers,
            ["equivariant"] = Equivariant,
        };
        if (Channels != 1) o["channels"] = Channels;
        return o;
    }

    /// <summary>Reads the JSON form; missing or malformed fields are an <see cref="InvalidDataException"/>.</summary>
    public static RealNvpOptions FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("bijector options: expected a JSON object");
        try
        {
            return new RealNvpOptions(JsonFields.Int(o, "couplings"), JsonFields.Int(o, "hidden"), JsonFields.Int(o, "mlp_layers"), JsonFields.Bool(o, "equivariant"),
                o["channels"] is null ? 1 : JsonFields.Int(o, "channels"));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"bijector options: {e.Message}");
        }
    }

    /// <summary>"n_c=10, h=10, n_mlp=3" (plus "equivariant", and "C=2" for more than one channel).</summary>
    public override string ToString() => $"n_c={Couplings}, h={Hidden}, n_mlp={MlpLayers}" + (Equivariant ? ", equivariant" : "") + (Channels != 1 ? $", C={Channels}" : "");
}
