using ScottPlot;
using SpinFlow.IO;
using SpinFlow.Statistics;

namespace SpinFlow.Reporting;

/// <summary>One observable against lattice size L at one temperature.</summary>
public sealed record SizeSeries(double Temperature, int[] Sizes, Estimate[] Values);

/// <summary>
/// An observable (⟨m²⟩, U₄, …) against the lattice size L, one colour per temperature: the reference chain as points
/// joined by lines, the flow's results as crosses, both with error bars; L on a log₂ axis (the paper's Fig. 5 read
/// across sizes instead of temperatures).
/// </summary>
public static class SizeScalingFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 1100;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 650;

    /// <summary>Renders the figure and writes it atomically as PNG.</summary>
    public static void Save(IReadOnlyList<SizeSeries> reference, IReadOnlyList<SizeSeries> flow, string observable, string title, string referenceLabel, string path)
    {
        var plot = Build(reference, flow, observable, title, referenceLabel);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure; x is log₂ L with ticks labelled L.</summary>
    public static Plot Build(IReadOnlyList<SizeSeries> reference, IReadOnlyList<SizeSeries> flow, string observable, string title, string referenceLabel)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(flow);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var temperatures = reference.Concat(flow).Select(s => s.Temperature).Distinct().Order().ToList();
        Color ColorOf(double t) => palette.GetColor(temperatures.IndexOf(t));
        static double[] X(int[] sizes) => sizes.Select(l => Math.Log2(l)).ToArray();
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (var s in reference.OrderBy(s => s.Temperature))
            EstimateMarks.Line(plot, X(s.Sizes), s.Values, ColorOf(s.Temperature), string.Create(inv, $"T = {s.Temperature:F4} {referenceLabel}"), markerSize: 6);
        foreach (var s in flow.OrderBy(s => s.Temperature))
            EstimateMarks.Crosses(plot, X(s.Sizes), s.Values, ColorOf(s.Temperature), string.Create(inv, $"T = {s.Temperature:F4} flow + latent HMC"));
        var sizes = reference.Concat(flow).SelectMany(s => s.Sizes).Distinct().Order().ToArray();
        if (sizes.Length > 0)
            plot.Axes.Bottom.SetTicks(X(sizes), sizes.Select(l => l.ToString(inv)).ToArray());
        plot.Title(title);
        plot.XLabel("L");
        plot.YLabel(observable);
        // Outside the axes: the curves start high at small L and end anywhere, so no corner inside stays free.
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
