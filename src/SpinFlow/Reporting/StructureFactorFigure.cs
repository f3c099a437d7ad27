using ScottPlot;
using SpinFlow.IO;
using SpinFlow.Statistics;

namespace SpinFlow.Reporting;

/// <summary>One series of an observable against T, with error bars, drawn in the colour of its lattice size.</summary>
/// <param name="Size">Lattice side L (sets the colour).</param>
/// <param name="Temperatures">Temperatures, increasing.</param>
/// <param name="Values">The observable at each temperature.</param>
public sealed record TemperatureSeries(int Size, double[] Temperatures, Estimate[] Values);

/// <summary>
/// The paper's Fig. 5: ⟨m²⟩ against T — reference curves for every size, the input data points and the flow's
/// exact-sampling results per level, all with error bars.
/// </summary>
public static class StructureFactorFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 650;

    /// <summary>Renders the figure and writes it atomically as PNG; <paramref name="inputs"/> (grey) may be null.</summary>
    public static void Save(IReadOnlyList<TemperatureSeries> references, TemperatureSeries? inputs, IReadOnlyList<TemperatureSeries> flow, string path,
        string reference = "Swendsen–Wang")
    {
        var plot = Build(references, inputs, flow, reference);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure, for callers that render it elsewhere; <paramref name="reference"/> names the reference chain in the legend and title.</summary>
    public static Plot Build(IReadOnlyList<TemperatureSeries> references, TemperatureSeries? inputs, IReadOnlyList<TemperatureSeries> flow,
        string reference = "Swendsen–Wang")
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(flow);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var sizes = references.Concat(flow).Select(c => c.Size).Distinct().Order().ToList();
        Color ColorOf(int size) => palette.GetColor(sizes.IndexOf(size));

        foreach (var curve in references)
            EstimateMarks.Line(plot, curve.Temperatures, curve.Values, ColorOf(curve.Size), $"{curve.Size}×{curve.Size} {reference}", markerSize: 0);
        if (inputs is { Temperatures.Length: > 0 })
        {
            double[] m = inputs.Values.Select(v => v.Mean).ToArray();
            var points = plot.Add.Scatter(inputs.Temperatures, m);
            points.LegendText = $"input {inputs.Size}×{inputs.Size} at T_ξ (plotted at T_x)";
            points.LineWidth = 0;
            points.MarkerSize = 8;
            points.MarkerShape = MarkerShape.FilledCircle;
            points.Color = Colors.Gray;
            var bars = plot.Add.ErrorBar(inputs.Temperatures, m, inputs.Values.Select(v => v.Error).ToArray());
            bars.Color = Colors.Gray;
        }
        foreach (var series in flow.OrderBy(s => s.Size))
            EstimateMarks.Crosses(plot, series.Temperatures, series.Values, ColorOf(series.Size), $"{series.Size}×{series.Size} flow + latent HMC");
        plot.Title($"Structure factor ⟨m²⟩: super-resolution against {reference}");
        plot.XLabel("T");
        plot.YLabel("⟨m²⟩");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
