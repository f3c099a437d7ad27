using ScottPlot;
using SpinFlow.Exact;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Reporting;

/// <summary>The paper's Fig. 2 for a rescaling run, as one PNG with two panels side by side.</summary>
/// <remarks>
/// Left: energy per site against T — exact e_L, the blocked e_block with error bars, exact e_{L/2}; for models without an
/// exact solution the sampled e_L and the measured e_{L/2} curve (points with error bars, joined by its Hermite
/// interpolant) instead. Right: the map T_ξ(T_x) with error bars, the diagonal T_ξ = T_x and, where T_c is known, the
/// naive scaling line T_ξ − T_c = 2(T_x − T_c).
/// ScottPlot draws text with the system fonts; without one (Debian: fonts-dejavu-core) labels silently vanish.
/// </remarks>
public static class RescalingFigure
{
    /// <summary>Width of the whole image in pixels.</summary>
    public const int Width = 1400;
    /// <summary>Height of the image in pixels.</summary>
    public const int Height = 600;

    /// <summary>Renders the figure and writes it atomically to <paramref name="path"/> as PNG.</summary>
    public static void Save(TemperatureRescalingResult result, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        var multiplot = Build(result);
        AtomicFile.Write(path, tmp => multiplot.SavePng(tmp, Width, Height));
    }

    /// <summary>The two-panel figure, for callers that render it elsewhere.</summary>
    public static Multiplot Build(TemperatureRescalingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        EnergyPanel(multiplot.GetPlot(0), result);
        MappingPanel(multiplot.GetPlot(1), result);
        return multiplot;
    }

    private static void EnergyPanel(Plot plot, TemperatureRescalingResult result)
    {
        var o = result.Options;
        var pts = result.Points;
        double[] t = pts.Select(p => p.Temperature).ToArray();
        if (EnergyCurve.HasExact(o.Model))
        {
            // The exact curves are cheap: draw them on a fine grid so they read as curves, not polylines through the data.
            double[] fine = Fine(t[0], t[^1], 400);
            var exactL = plot.Add.ScatterLine(fine, fine.Select(x => ExactReference.EnergyOf(o.Model, o.Size, x)!.Value).ToArray());
            exactL.LegendText = $"e_L(T), exact, L = {o.Size}";
            exactL.LineWidth = 2;
            var exactHalf = plot.Add.ScatterLine(fine, fine.Select(x => ExactReference.EnergyOf(o.Model, o.BlockSize, x)!.Value).ToArray());
            exactHalf.LegendText = $"e_L/2(T), exact, L/2 = {o.BlockSize}";
            exactHalf.LineWidth = 2;
            exactHalf.LinePattern = LinePattern.Dotted;
        }
        else
        {
            MeasuredCurves(plot, result);
        }
        double[] eb = pts.Select(p => p.BlockEnergy.Mean).ToArray();
        var block = plot.Add.Scatter(t, eb);
        block.LegendText = $"e_block(T): {o.Size}×{o.Size} blocked 2×2 by {(o.Model is IsingModel ? "majority" : "block spin")}";
        block.LineWidth = 1;
        block.MarkerSize = 6;
        var bars = plot.Add.ErrorBar(t, eb, pts.Select(p => p.BlockEnergy.Error).ToArray());
        bars.Color = block.Color;
        VerticalCritical(plot, o.Model);
        plot.Title(EnergyCurve.HasExact(o.Model) ? "Energy per site: sampled, blocked and exact" : $"Energy per site ({o.Model.Name}): sampled, blocked and the measured L/2 curve");
        plot.XLabel("T");
        plot.YLabel("e = H/N");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void MappingPanel(Plot plot, TemperatureRescalingResult result)
    {
        var pts = result.Points.Where(p => double.IsFinite(p.TXi)).ToArray();
        double tMin = result.Points[0].Temperature, tMax = result.Points[^1].Temperature;
        var diagonal = plot.Add.Line(tMin, tMin, tMax, tMax);
        diagonal.LegendText = "T_ξ = T_x";
        diagonal.LinePattern = LinePattern.Dotted;
        diagonal.Color = Colors.Gray;
        if (result.Options.Model.CriticalTemperature is double tc)
        {
            var scaling = plot.Add.Line(tMin, tc + 2 * (tMin - tc), tMax, tc + 2 * (tMax - tc));
            scaling.LegendText = "T_ξ − T_c = 2(T_x − T_c)";
            scaling.LinePattern = LinePattern.Dashed;
            scaling.Color = Colors.Gray;
        }
        if (pts.Length > 0)
        {
            double[] tx = pts.Select(p => p.Temperature).ToArray();
            double[] txi = pts.Select(p => p.TXi).ToArray();
            var map = plot.Add.Scatter(tx, txi);
            map.LegendText = "T_ξ(T_x) from e_L/2(T_ξ) = e_block(T_x)";
            map.MarkerSize = 6;
            var bars = plot.Add.ErrorBar(tx, txi, pts.Select(p => p.TXiError).ToArray());
            bars.Color = map.Color;
            // The scaling line runs far off the data at the grid ends; frame the data, not the line.
            double lo = Math.Min(tMin, txi.Min()), hi = Math.Max(tMax, txi.Max());
            double pad = 0.05 * (hi - lo);
            plot.Axes.SetLimits(tMin - 0.02 * (tMax - tMin), tMax + 0.02 * (tMax - tMin), lo - pad, hi + pad);
        }
        VerticalCritical(plot, result.Options.Model);
        plot.Title($"Input temperature for super-resolution {result.Options.BlockSize} → {result.Options.Size}");
        plot.XLabel("target temperature T_x");
        plot.YLabel("input temperature T_ξ");
        plot.ShowLegend(Alignment.UpperLeft);
    }

    /// <summary>
    /// A model without an exact solution: the sampled e_L at the grid points and the measured e_{L/2} curve where it
    /// matters (from the lowest T_ξ to the highest grid temperature), points with error bars joined by its interpolant.
    /// </summary>
    private static void MeasuredCurves(Plot plot, TemperatureRescalingResult result)
    {
        var o = result.Options;
        var pts = result.Points;
        double[] t = pts.Select(p => p.Temperature).ToArray();
        double[] e = pts.Select(p => p.Energy.Mean).ToArray();
        var sampled = plot.Add.Scatter(t, e);
        sampled.LegendText = $"e_L(T), sampled, L = {o.Size}";
        sampled.LineWidth = 1;
        sampled.MarkerSize = 4;
        var sampledBars = plot.Add.ErrorBar(t, e, pts.Select(p => p.Energy.Error).ToArray());
        sampledBars.Color = sampled.Color;
        if (result.HalfCurve is not MonteCarloEnergyCurve curve) return;
        double lo = Math.Min(t[0], pts.Where(p => double.IsFinite(p.TXi)).Select(p => p.TXi).DefaultIfEmpty(t[0]).Min());
        double hi = Math.Max(t[^1], pts.Where(p => double.IsFinite(p.TXi)).Select(p => p.TXi).DefaultIfEmpty(t[^1]).Max());
        int first = Math.Max(0, curve.Temperatures.Count(x => x < lo) - 1);
        int last = Math.Min(curve.Temperatures.Count - 1, curve.Temperatures.Count(x => x <= hi));
        if (last <= first) return;
        double[] fine = Fine(curve.Temperatures[first], curve.Temperatures[last], 400);
        var line = plot.Add.ScatterLine(fine, fine.Select(curve.Energy).ToArray());
        line.LegendText = $"e_L/2(T), measured, L/2 = {o.BlockSize}";
        line.LineWidth = 2;
        line.LinePattern = LinePattern.Dotted;
        var ct = curve.Temperatures.Skip(first).Take(last - first + 1).ToArray();
        var ce = curve.Energies.Skip(first).Take(last - first + 1).ToArray();
        var points = plot.Add.Scatter(ct, ce.Select(x => x.Mean).ToArray());
        points.LineWidth = 0;
        points.MarkerSize = 5;
        points.Color = line.Color;
        var bars = plot.Add.ErrorBar(ct, ce.Select(x => x.Mean).ToArray(), ce.Select(x => x.Error).ToArray());
        bars.Color = line.Color;
    }

    private static void VerticalCritical(Plot plot, SpinModel model)
    {
        if (model.CriticalTemperature is not double tc) return;
        var line = plot.Add.VerticalLine(tc);
        line.LineWidth = 1;
        line.Color = Colors.LightGray;
        line.LegendText = "T_c";
    }

    private static double[] Fine(double a, double b, int n)
    {
        if (n < 2 || a == b) return [a];
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = a + (b - a) * i / (n - 1);
        return x;
    }
}
