using System.Text.Json.Nodes;
using SpinFlow.IO;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Pipeline.Stages;

/// <summary>
/// Temperature rescaling (paper Fig. 2): the map T_x → T_ξ from Monte Carlo on the 2L×2L lattice over the grid
/// (Swendsen–Wang for Ising, Wolff for clock and XY), blocked and matched against the L×L energy curve (exact where the
/// model has one, else measured once over a wide grid and stored with the record), the input temperature of every
/// target, and with the input ladder the rungs R^k(T), k ≥ 2. Its records keep the <see cref="RescalingRecord"/> shape,
/// from which Fig. 2 is redrawn.
/// </summary>
internal static class RescalingStage
{
    /// <summary>The rescaling run over <paramref name="grid"/> with one T_ξ per target temperature.</summary>
    public static JsonObject Run(StageContext c, double[] grid, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        var options = new TemperatureRescalingOptions(2 * o.BaseSize, grid, o.RescaleSweeps, Math.Max(100, o.RescaleSweeps / 10), c.SeedOf(StageContext.RescaleStream), o.Model);
        EnergyCurve half;
        IProgress<double> rest = progress;
        if (EnergyCurve.HasExact(o.Model))
        {
            half = EnergyCurve.Exact(o.Model, o.BaseSize);
        }
        else
        {
            // The measured curve costs about a third of the stage (smaller lattice, more points).
            half = MonteCarloEnergyCurve.Run(o.Model, o.BaseSize, CurveGrid(grid, o.GridPoints, o.LadderRungs), o.RescaleSweeps, Math.Max(100, o.RescaleSweeps / 10),
                c.SeedOf(StageContext.CurveStream), -1, new InlineProgress(f => progress.Report(f / 3)), ct);
            rest = new InlineProgress(f => progress.Report((1 + 2 * f) / 3));
        }
        var result = TemperatureRescaling.Run(options, half, rest, -1, ct);
        var record = RescalingRecord.ToJson(result);
        var targets = new JsonArray();
        foreach (double t in o.Temperatures)
        {
            var r = result.TXiAt(t);
            if (!double.IsFinite(r.TXi))
                throw new ArgumentOutOfRangeException(nameof(o.Temperatures), t, $"--temperature {t}: temperature rescaling cannot invert there (the blocked energy lies outside the range of the {o.BaseSize}×{o.BaseSize} lattice); choose targets nearer T_c");
            targets.Add(new JsonObject { ["temperature"] = t, ["t_xi"] = r.TXi, ["t_xi_error"] = ResultJson.Number(r.Error) });
        }
        record["targets"] = targets;
        return record;
    }

    /// <summary>
    /// Rungs 2…Levels of the input ladder: R^k(T) = R(R^(k−1)(T)), each step a rescaling run (same lattice and sweeps as
    /// the grid run) at exactly the previous rung's temperatures, so no interpolation enters.
    /// </summary>
    public static JsonObject Ladder(StageContext c, IProgress<double> progress, CancellationToken ct)
    {
        var o = c.Options;
        var temps = o.Temperatures.ToArray();
        var half = RescalingRecord.FromJson(c.Run.Load(PipelineRun.RescaleStage)).HalfCurve;
        var ladder = temps.Select(t => new List<(double TXi, double Error)> { (InputTemperature(c.Run, t), InputTemperatureError(c.Run, t)) }).ToArray();
        var rounds = new JsonArray();
        for (int rung = 2; rung <= o.LadderRungs; rung++)
        {
            var previous = ladder.Select(l => l[^1].TXi).ToArray();
            var grid = previous.Distinct().Order().ToArray();
            var options = new TemperatureRescalingOptions(2 * o.BaseSize, grid, o.RescaleSweeps, Math.Max(100, o.RescaleSweeps / 10),
                c.SeedOf(StageContext.RescaleStream, 0, rung), o.Model);
            int done = rung - 2;
            var result = TemperatureRescaling.Run(options, half, new InlineProgress(f => progress.Report((done + f) / (o.LadderRungs - 1))), -1, ct);
            for (int i = 0; i < temps.Length; i++)
            {
                var r = result.TXiAt(previous[i]);
                if (!double.IsFinite(r.TXi))
                    throw new ArgumentOutOfRangeException(nameof(o.Temperatures), previous[i], $"--temperature: the input ladder cannot invert at T_x = {previous[i]:G6} (rung {rung} of T = {temps[i]}): " +
                        $"the blocked energy lies outside the range of the {o.BaseSize}×{o.BaseSize} lattice");
                ladder[i].Add((r.TXi, r.Error));
            }
            rounds.Add(RescalingRecord.ToJson(result, withCurve: false));
        }
        var targets = new JsonArray();
        for (int i = 0; i < temps.Length; i++)
            targets.Add(new JsonObject
            {
                ["temperature"] = temps[i],
                ["t_xi"] = ResultJson.Numbers(ladder[i].Select(l => l.TXi)),
                // The error of each step's own inversion; the spread of the rung below is not carried (the rung only picks the start).
                ["t_xi_error"] = ResultJson.Numbers(ladder[i].Select(l => l.Error)),
            });
        return new JsonObject { ["rungs"] = o.LadderRungs, ["targets"] = targets, ["rounds"] = rounds };
    }

    /// <summary>
    /// Grid of the measured L×L energy curve: one rescaling step takes the blocked energies of the 2L×2L lattice at the
    /// rescaling grid <paramref name="grid"/> to T_ξ anywhere from about half the lowest to twice the highest grid
    /// temperature, and the input ladder repeats the step up to <paramref name="rungs"/> times (for XY at low T it walks
    /// down), so the curve spans [lowest / 2^rungs, 2 × highest]; the spacing is that of four intervals per interval of
    /// the rescaling grid over the one-step range (Hermite interpolation between the points).
    /// </summary>
    public static double[] CurveGrid(IReadOnlyList<double> grid, int gridPoints, int rungs = 1)
    {
        double lo = grid[0] / 2, hi = 2 * grid[^1];
        double spacing = (hi - lo) / (4 * (Math.Max(2, gridPoints) - 1));
        lo = grid[0] / Math.Pow(2, Math.Max(1, rungs));
        int n = (int)Math.Ceiling((hi - lo) / spacing - 1e-9) + 1;
        return Enumerable.Range(0, n).Select(i => Math.Round(lo + (hi - lo) * i / (n - 1), 10)).ToArray();
    }

    /// <summary>T_ξ at rung <paramref name="rung"/> of the input ladder for target T (rung 1: the rescaled temperature).</summary>
    public static double InputTemperature(RunFolder run, double t, int rung = 1)
    {
        if (rung == 1) return RescaleTarget(run, t)["t_xi"]!.GetValue<double>();
        foreach (var node in run.Load(PipelineRun.LadderStage)["targets"]!.AsArray())
            if (node!["temperature"]!.GetValue<double>() == t) return node["t_xi"]![rung - 1]!.GetValue<double>();
        throw new InvalidDataException($"the input-ladder record has no entry for T = {t}");
    }

    private static double InputTemperatureError(RunFolder run, double t) => JsonFields.Number(RescaleTarget(run, t)["t_xi_error"]);

    private static JsonNode RescaleTarget(RunFolder run, double t)
    {
        foreach (var node in run.Load(PipelineRun.RescaleStage)["targets"]!.AsArray())
            if (node!["temperature"]!.GetValue<double>() == t) return node;
        throw new InvalidDataException($"the rescaling record has no entry for T = {t}");
    }
}
