using System.Text.Json;
using System.Text.Json.Nodes;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;

namespace SpinFlow.IO;

/// <summary>The stable JSON shapes that spinflow writes and later tools read.</summary>
public static class ResultJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>{"mean":..,"error":..,"tau":..}; non-finite numbers become null (JSON has no NaN).</summary>
    public static JsonObject Estimate(Estimate e) => new()
    {
        ["mean"] = Number(e.Mean),
        ["error"] = Number(e.Error),
        ["tau"] = Number(e.Tau),
    };

    /// <summary>
    /// The "observables" object: energy, m2, abs_m, specific_heat, susceptibility, binder; with
    /// <paramref name="convergence"/> each also gets "ess" and "r_hat".
    /// </summary>
    public static JsonObject Observables(IsingObservables o, ConvergenceReport? convergence = null)
    {
        var d = convergence?.Observables;
        JsonObject E(Estimate e, ObservableConvergence? c)
        {
            var node = Estimate(e);
            if (c is { } x)
            {
                node["ess"] = Number(x.Ess);
                node["r_hat"] = Number(x.RHat);
            }
            return node;
        }
        return new()
        {
            ["energy"] = E(o.Energy, d?.Energy),
            ["m2"] = E(o.M2, d?.M2),
            ["abs_m"] = E(o.AbsM, d?.AbsM),
            ["specific_heat"] = E(o.SpecificHeat, d?.SpecificHeat),
            ["susceptibility"] = E(o.Susceptibility, d?.Susceptibility),
            ["binder"] = E(o.Binder, d?.Binder),
        };
    }

    /// <summary>The clock and XY "observables" object: that of <see cref="Observables(IsingObservables, ConvergenceReport?)"/> plus "helicity" and "vortex_density".</summary>
    public static JsonObject Observables(AngleObservables o, ConvergenceReport? convergence = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        var observables = Observables(o.Base, convergence);
        observables["helicity"] = Estimate(o.Helicity);
        observables["vortex_density"] = Estimate(o.VortexDensity);
        return observables;
    }

    /// <summary>The verdict's reasons as a JSON array of strings (empty when converged).</summary>
    public static JsonArray Warnings(ConvergenceVerdict verdict) => new(verdict.Warnings.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray());

    /// <summary>Adds "converged", "warnings" and "r_hat_basis" to <paramref name="node"/> (nothing when <paramref name="convergence"/> is null).</summary>
    public static JsonObject AddConvergence(JsonObject node, ConvergenceReport? convergence)
    {
        if (convergence is null) return node;
        node["converged"] = convergence.Verdict.Converged;
        node["warnings"] = Warnings(convergence.Verdict);
        node["r_hat_basis"] = convergence.RHatBasis;
        return node;
    }

    /// <summary>One reference Monte Carlo run in the shape documented for <c>spinflow mcmc --json</c>.</summary>
    public static JsonObject Mcmc(McmcResult r) => AddConvergence(new()
    {
        ["size"] = r.Options.Size,
        ["temperature"] = r.Options.Temperature,
        ["algorithm"] = SpinSamplers.Name(r.Options.Algorithm),
        ["sweeps"] = r.Options.Sweeps,
        ["thermalize"] = r.Options.Thermalize,
        ["measure_every"] = r.Options.MeasureEvery,
        ["seed"] = r.Options.Seed,
        ["measurements"] = r.Energy.Length,
        ["observables"] = Observables(r.Observables, r.Convergence),
        ["spin_updates_per_ns"] = Number(r.SpinUpdatesPerNs),
        ["wall_seconds"] = Number(r.Elapsed.TotalSeconds),
    }, r.Convergence);

    /// <summary>
    /// One clock or XY run for <c>spinflow mcmc --model</c>: the shape of <see cref="Mcmc"/> plus "model", and
    /// "helicity" and "vortex_density" under "observables".
    /// </summary>
    public static JsonObject AngleMcmc(AngleMcmcResult r)
    {
        var observables = Observables(r.Observables, r.Convergence);
        return AddConvergence(new()
        {
            ["model"] = r.Model.Name,
            ["size"] = r.Options.Size,
            ["temperature"] = r.Options.Temperature,
            ["algorithm"] = SpinSamplers.Name(r.Options.Algorithm),
            ["sweeps"] = r.Options.Sweeps,
            ["thermalize"] = r.Options.Thermalize,
            ["measure_every"] = r.Options.MeasureEvery,
            ["seed"] = r.Options.Seed,
            ["measurements"] = r.Energy.Length,
            ["observables"] = observables,
            ["spin_updates_per_ns"] = Number(r.SpinUpdatesPerNs),
            ["wall_seconds"] = Number(r.Elapsed.TotalSeconds),
        }, r.Convergence);
    }

    /// <summary>Serialises with indentation.</summary>
    public static string ToText(JsonNode node) => node.ToJsonString(Indented) + "\n";

    /// <summary>Writes <paramref name="node"/> to <paramref name="path"/> atomically.</summary>
    public static void Save(string path, JsonNode node) => AtomicFile.WriteAllText(path, ToText(node));

    /// <summary>Reads a JSON object written by <see cref="Save"/>; missing is a <see cref="FileNotFoundException"/>, anything else unreadable an <see cref="InvalidDataException"/>.</summary>
    public static JsonObject Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"{path} does not hold a JSON object");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {e.Message}");
        }
    }

    /// <summary>A finite double as a JSON number, anything else as null.</summary>
    public static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : null;

    /// <summary>A series as a JSON array of <see cref="Number(double)"/>s (non-finite entries as null).</summary>
    public static JsonArray Numbers(IEnumerable<double> values) => new(values.Select(Number).ToArray());
}
