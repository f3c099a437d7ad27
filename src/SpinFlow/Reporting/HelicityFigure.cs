using ScottPlot;
using SpinFlow.IO;

namespace SpinFlow.Reporting;

/// <summary>The helicity modulus Υ of the XY model against T, one series per lattice size, with the BKT line Υ = 2T/π.</summary>
public static class HelicityFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 650;

    /// <summary>Renders the figure and writes it atomically as PNG.</summary>
    public static void Save(IReadOnlyList<TemperatureSeries> helicity, string path)
    {
        var plot = Build(helicity);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure: Υ ± error per size (points joined by lines) and the straight line 2T/π, where Υ jumps to zero at T_BKT for L → ∞.</summary>
    public static Plot Build(IReadOnlyList<TemperatureSeries> helicity)
    {
        ArgumentNullException.ThrowIfNull(helicity);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity;
        foreach (var series in helicity.OrderBy(s => s.Size))
        {
            double[] y = series.Values.Select(v => v.Mean).ToArray();
            var line = plot.Add.Scatter(series.Temperatures, y);
            line.LegendText = $"{series.Size}×{series.Size}";
            line.Color = palette.GetColor(k++);
            line.LineWidth = 1.5f;
            line.MarkerSize = 6;
            var bars = plot.Add.ErrorBar(series.Temperatures, y, series.Values.Select(v => v.Error).ToArray());
            bars.Color = line.Color;
            if (series.Temperatures.Length > 0)
            {
                tMin = Math.Min(tMin, series.Temperatures.Min());
                tMax = Math.Max(tMax, series.Temperatures.Max());
            }
        }
        if (double.IsFinite(tMin))
        {
            var bkt = plot.Add.Line(tMin, 2 * tMin / Math.PI, tMax, 2 * tMax / Math.PI);
            bkt.LegendText = "2T/π";
            bkt.Color = Colors.Black;
            bkt.LinePattern = LinePattern.Dashed;
        }
        plot.Title("XY model: helicity modulus Υ against T");
        plot.XLabel("T");
        plot.YLabel("Υ");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
