using ScottPlot;
using SpinFlow.IO;

namespace SpinFlow.Reporting;

/// <summary>
/// The helicity modulus Υ of the XY (or a clock) model against T, one series per lattice size, with the BKT line Υ = 2T/π;
/// optionally a second set of series per size drawn as separate points (a pipeline's flow results beside its reference curves).
/// </summary>
public static class HelicityFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 650;

    /// <summary>Renders the figure and writes it atomically as PNG (see <see cref="Build"/> for the optional series and labels).</summary>
    public static void Save(IReadOnlyList<TemperatureSeries> helicity, string path, IReadOnlyList<TemperatureSeries>? points = null,
        string? curveLabel = null, string? pointLabel = null, string model = "XY model")
    {
        var plot = Build(helicity, points, curveLabel, pointLabel, model);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>
    /// The figure: Υ ± error per size (points joined by lines, labelled "L×L" plus <paramref name="curveLabel"/>), the
    /// <paramref name="points"/> per size as crosses in the same colours (labelled with <paramref name="pointLabel"/>), and
    /// the straight line 2T/π, where Υ jumps to zero at T_BKT for L → ∞.
    /// </summary>
    public static Plot Build(IReadOnlyList<TemperatureSeries> helicity, IReadOnlyList<TemperatureSeries>? points = null,
        string? curveLabel = null, string? pointLabel = null, string model = "XY model")
    {
        ArgumentNullException.ThrowIfNull(helicity);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var sizes = helicity.Concat(points ?? []).Select(c => c.Size).Distinct().Order().ToList();
        Color ColorOf(int size) => palette.GetColor(sizes.IndexOf(size));
        double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity;
        foreach (var series in helicity.OrderBy(s => s.Size))
        {
            EstimateMarks.Line(plot, series.Temperatures, series.Values, ColorOf(series.Size),
                $"{series.Size}×{series.Size}" + (curveLabel is null ? "" : $" {curveLabel}"), markerSize: 6);
            if (series.Temperatures.Length > 0)
            {
                tMin = Math.Min(tMin, series.Temperatures.Min());
                tMax = Math.Max(tMax, series.Temperatures.Max());
            }
        }
        foreach (var series in (points ?? []).OrderBy(s => s.Size))
            EstimateMarks.Crosses(plot, series.Temperatures, series.Values, ColorOf(series.Size), $"{series.Size}×{series.Size}" + (pointLabel is null ? "" : $" {pointLabel}"));
        if (double.IsFinite(tMin))
        {
            var bkt = plot.Add.Line(tMin, 2 * tMin / Math.PI, tMax, 2 * tMax / Math.PI);
            bkt.LegendText = "2T/π";
            bkt.Color = Colors.Black;
            bkt.LinePattern = LinePattern.Dashed;
        }
        plot.Title($"{model}: helicity modulus Υ against T");
        plot.XLabel("T");
        plot.YLabel("Υ");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
