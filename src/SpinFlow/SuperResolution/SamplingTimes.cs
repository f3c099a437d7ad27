using System.Text.Json.Nodes;
using SpinFlow.Flows;

namespace SpinFlow.SuperResolution;

/// <summary>One part of a sampler's wall time.</summary>
/// <param name="Name">Stable key (snake case), e.g. <c>hmc_flow_forward</c>.</param>
/// <param name="Seconds">Wall seconds spent in it.</param>
public readonly record struct TimePart(string Name, double Seconds);

/// <summary>
/// Where a sampler's wall time went: its parts (summing to <see cref="Total"/>, the last one "other" for whatever the
/// timed calls do not cover) and, where the flow records them, the seconds of each member flow's passes.
/// </summary>
/// <param name="Total">Wall seconds of the whole run.</param>
/// <param name="Parts">The parts in a fixed order.</param>
/// <param name="Levels">Seconds per member flow of the stack (generation order: Flow_L0 first) in forward, inverse and reverse passes; null where not recorded.</param>
public sealed record SamplingTimes(double Total, IReadOnlyList<TimePart> Parts, FlowPassTimes? Levels)
{
    /// <summary>Keys of latent HMC's parts, in order, with what each covers.</summary>
    public static readonly IReadOnlyList<(string Name, string Meaning)> LatentHmcParts =
    [
        ("hmc_flow_forward", "leapfrog: taped flow forward passes"),
        ("hmc_energy", "leapfrog: relaxed energy and its gradient on x"),
        ("hmc_flow_backward", "leapfrog: flow reverse passes"),
        ("hmc_bookkeeping", "leapfrog kicks and drifts, momenta, accept/reject, mass scaling"),
        ("spin_generate", "spin move: x = F(z) and its energy"),
        ("spin_sweeps", "spin move: s | x, Metropolis sweeps, x | s"),
        ("spin_inverse", "spin move: z = F⁻¹(x)"),
        ("spin_gradient", "spin move: U and ∇U at the moved z (forward, energy, reverse)"),
        ("measure_generate", "measurement: x = F(z) and its energy"),
        ("measure_observables", "measurement: improved estimators"),
        ("mass_adaptation", "curvature per latent level (once, in the warm-up)"),
        ("other", "the rest (start, conversions, results)"),
    ];

    /// <summary>Seconds of the part named <paramref name="name"/>; 0 when absent.</summary>
    public double this[string name] => Parts.FirstOrDefault(p => p.Name == name).Seconds;

    /// <summary>JSON form: <c>{ total, parts: { name: seconds }, levels: [{ forward, inverse, backward }] }</c>.</summary>
    public JsonObject ToJson()
    {
        var parts = new JsonObject();
        foreach (var p in Parts) parts[p.Name] = IO.ResultJson.Number(p.Seconds);
        var node = new JsonObject { ["total"] = IO.ResultJson.Number(Total), ["parts"] = parts };
        if (Levels is { } l)
            node["levels"] = new JsonArray(Enumerable.Range(0, l.Forward.Length).Select(k => (JsonNode?)new JsonObject
            {
                ["forward"] = IO.ResultJson.Number(l.Forward[k]),
                ["inverse"] = IO.ResultJson.Number(l.Inverse[k]),
                ["backward"] = IO.ResultJson.Number(l.Backward[k]),
            }).ToArray());
        return node;
    }

    /// <summary>Reads <see cref="ToJson"/>'s form; null for a missing node (records written before breakdowns).</summary>
    public static SamplingTimes? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o || o["parts"] is not JsonObject parts) return null;
        var list = parts.Select(kv => new TimePart(kv.Key, IO.JsonFields.Number(kv.Value))).ToArray();
        FlowPassTimes? levels = null;
        if (o["levels"] is JsonArray a)
        {
            double[] Of(string key) => a.Select(n => IO.JsonFields.Number(n?[key])).ToArray();
            levels = new FlowPassTimes(Of("forward"), Of("inverse"), Of("backward"));
        }
        return new SamplingTimes(IO.JsonFields.Number(o["total"]), list, levels);
    }
}
