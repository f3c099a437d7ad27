using SpinFlow.IO;
using System.Text.Json.Nodes;

namespace SpinFlow.Flows;

/// <summary>Shape of the RealNVP bijector shared by all plaquettes of a layer (DESIGN.md §5); validated on construction.</summary>
public sealed record RealNvpOptions
{
    /// <summary>Number of coupling layers n_c ≥ 1.</summary>
    public int Couplings { get; }
    /// <summary>Hidden width h ≥ 1 of the S and T nets.</summary>
    public int Hidden { get; }
    /// <summary>Number of hidden layers n_mlp ≥ 1: the nets are 4 → h → (h → h)×(n_mlp−1) → 4.</summary>
    public int MlpLayers { get; }
    /// <summary>Z₂ option: S nets even and T nets odd, which makes the whole flow odd, f(−z) = −f(z).</summary>
    public bool Equivariant { get; }

    /// <summary>Validates and stores the shape.</summary>
    public RealNvpOptions(int couplings, int hidden, int mlpLayers, bool equivariant = false)
    {
        if (couplings < 1 || couplings > 1000) throw new ArgumentOutOfRangeException(nameof(couplings), couplings, "couplings must be between 1 and 1000");
        if (hidden < 1 || hidden > 1024) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "hidden width must be between 1 and 1024");
        if (mlpLayers < 1 || mlpLayers > 64) throw new ArgumentOutOfRangeException(nameof(mlpLayers), mlpLayers, "MLP hidden layers must be between 1 and 64");
        Couplings = couplings;
        Hidden = hidden;
        MlpLayers = mlpLayers;
        Equivariant = equivariant;
    }

    /// <summary>This shape with the given settings changed (null keeps the current value).</summary>
    public RealNvpOptions Shaped(int? couplings, int? hidden, int? mlpLayers, bool equivariant) =>
        new(couplings ?? Couplings, hidden ?? Hidden, mlpLayers ?? MlpLayers, equivariant);

    /// <summary>Parameters of one S or T net: 5h + (n_mlp−1)(h²+h) + 4h + 4.</summary>
    public int ParametersPerNet => 5 * Hidden + (MlpLayers - 1) * (Hidden * Hidden + Hidden) + 4 * Hidden + 4;

    /// <summary>Parameters of one coupling: two nets and the 4-vector a.</summary>
    public int ParametersPerCoupling => 2 * ParametersPerNet + 4;

    /// <summary>Parameters of one bijector (n_c couplings).</summary>
    public int ParameterCount => Couplings * ParametersPerCoupling;

    /// <summary>JSON form used by checkpoints and <c>flow-info</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["couplings"] = Couplings,
        ["hidden"] = Hidden,
        ["mlp_layers"] = MlpLayers,
        ["equivariant"] = Equivariant,
    };

    /// <summary>Reads the JSON form; missing or malformed fields are an <see cref="InvalidDataException"/>.</summary>
    public static RealNvpOptions FromJson(JsonNode? node)
    {
        if (node is not JsonObject o) throw new InvalidDataException("bijector options: expected a JSON object");
        try
        {
            return new RealNvpOptions(JsonFields.Int(o, "couplings"), JsonFields.Int(o, "hidden"), JsonFields.Int(o, "mlp_layers"), JsonFields.Bool(o, "equivariant"));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"bijector options: {e.Message}");
        }
    }

    /// <summary>"n_c=10, h=10, n_mlp=3" (plus "equivariant").</summary>
    public override string ToString() => $"n_c={Couplings}, h={Hidden}, n_mlp={MlpLayers}" + (Equivariant ? ", equivariant" : "");
}
