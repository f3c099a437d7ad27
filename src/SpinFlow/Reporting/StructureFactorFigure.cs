using ScottPlot;
using SpinFlow.IO;
using SpinFlow.Pipeline;

namespace SpinFlow.Reporting;

/// <summary>
/// The paper's Fig. 5: ⟨m²⟩ against T — Swendsen–Wang curves for every size, the input data points and the flow's
/// exact-sampling results per level, all with error bars.
/// </summary>
public static class StructureFactorFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 650;

    /// <summary>Renders the figure of <paramref name="results"/> and writes it atomically as PNG.</summary>
    public static void Save(PipelineResults results, string path)
    {
        ArgumentNullException.ThrowIfNull(results);
        var plot = Build(results);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure, for callers that render it elsewhere.</summary>
    public static Plot Build(PipelineResults results)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var sizes = results.Curves.Select(c => c.Size).Concat(results.Entries.Select(e => e.Size)).Distinct().Order().ToList();
        Color ColorOf(int size) => palette.GetColor(sizes.IndexOf(size));

        foreach (var curve in results.Curves)
        {
            var line = plot.Add.Scatter(curve.Temperatures, curve.M2.Select(m => m.Mean).ToArray());
            line.LegendText = $"{curve.Size}×{curve.Size} Swendsen–Wang";
            line.Color = ColorOf(curve.Size);
            line.LineWidth = 1.5f;
            line.MarkerSize = 0;
            var band = plot.Add.ErrorBar(curve.Temperatures, curve.M2.Select(m => m.Mean).ToArray(), curve.M2.Select(m => m.Error).ToArray());
            band.Color = line.Color;
        }
        // The paper's grey dots: the data Flow_base is trained on (rung 1); deeper rungs of the input ladder are in the report.
        var direct = results.Inputs.Where(i => i.Rung == 1).ToArray();
        if (direct.Length > 0)
        {
            double[] t = direct.Select(i => i.Temperature).ToArray();
            double[] m = direct.Select(i => i.M2.Mean).ToArray();
            var inputs = plot.Add.Scatter(t, m);
            inputs.LegendText = $"input {direct[0].Size}×{direct[0].Size} at T_ξ (plotted at T_x)";
            inputs.LineWidth = 0;
            inputs.MarkerSize = 8;
            inputs.MarkerShape = MarkerShape.FilledCircle;
            inputs.Color = Colors.Gray;
            var bars = plot.Add.ErrorBar(t, m, direct.Select(i => i.M2.Error).ToArray());
            bars.Color = Colors.Gray;
        }
        foreach (var group in results.Entries.Where(e => e.Observable == "m2").GroupBy(e => e.Size).OrderBy(g => g.Key))
        {
            var pts = group.OrderBy(e => e.Temperature).ToArray();
            double[] t = pts.Select(e => e.Temperature).ToArray();
            double[] m = pts.Select(e => e.Flow.Mean).ToArray();
            var flow = plot.Add.Scatter(t, m);
            flow.LegendText = $"{group.Key}×{group.Key} flow + latent HMC";
            flow.LineWidth = 0;
            flow.MarkerSize = 11;
            flow.MarkerShape = MarkerShape.Cross;
            flow.MarkerLineWidth = 2;
            flow.Color = ColorOf(group.Key);
            var bars = plot.Add.ErrorBar(t, m, pts.Select(e => e.Flow.Error).ToArray());
            bars.Color = flow.Color;
        }
        plot.Title("Structure factor ⟨m²⟩: super-resolution against Swendsen–Wang");
        plot.XLabel("T");
        plot.YLabel("⟨m²⟩");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
