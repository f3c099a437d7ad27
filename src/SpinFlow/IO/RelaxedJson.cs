using System.Text.Json.Nodes;
using SpinFlow.Relaxation;

namespace SpinFlow.IO;

/// <summary>The JSON shape of <c>spinflow relaxed --json</c>: that of <c>spinflow mcmc</c> plus the relaxed model's fields.</summary>
public static class RelaxedJson
{
    /// <summary>
    /// One run: size, temperature, shift, sampler, samples, chains, thermalize, measure_every, seed,
    /// observables (improved estimators, τ in steps of one chain; each with "ess" and "r_hat"), timing, the verdict
    /// ("converged", "warnings", "r_hat_basis"), and for naive-hmc
    /// "acceptance" (fraction of accepted trajectories), "acceptance_probability", "step_size", "hmc_steps".
    /// <paramref name="lnZxPerSite"/> (exact ln Z_x / N) is written when known.
    /// </summary>
    public static JsonObject Result(RelaxedResult r, double? lnZxPerSite = null)
    {
        var o = r.Options;
        var node = new JsonObject
        {
            ["size"] = o.Size,
            ["temperature"] = o.Temperature,
            ["shift"] = r.Shift,
            ["sampler"] = RelaxedSamplerNames.Name(o.Sampler),
            ["samples"] = o.Samples,
            ["chains"] = o.Chains,
            ["thermalize"] = o.Thermalize,
            ["measure_every"] = o.MeasureEvery,
            ["seed"] = o.Seed,
            ["measurements"] = r.Energy.Length,
            ["observables"] = ResultJson.Observables(r.Observables, r.Convergence),
        };
        if (r.Acceptance is { } a)
        {
            node["acceptance"] = ResultJson.Number(a.AcceptanceRate);
            node["acceptance_probability"] = ResultJson.Number(a.MeanAcceptanceProbability);
            node["step_size"] = ResultJson.Number(r.StepSize ?? double.NaN);
            node["hmc_steps"] = o.Hmc.LeapfrogSteps;
        }
        if (lnZxPerSite is double z) node["ln_z_x_per_site"] = ResultJson.Number(z);
        node["steps_per_chain"] = r.StepsPerChain;
        node["seconds_per_step"] = ResultJson.Number(r.SecondsPerStep);
        node["seconds_per_independent_sample"] = ResultJson.Number(r.SecondsPerIndependentSample);
        node["wall_seconds"] = ResultJson.Number(r.Elapsed.TotalSeconds);
        return ResultJson.AddConvergence(node, r.Convergence);
    }
}
