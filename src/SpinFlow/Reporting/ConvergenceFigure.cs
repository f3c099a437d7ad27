using ScottPlot;
using SpinFlow.IO;
using SpinFlow.Statistics;

namespace SpinFlow.Reporting;

/// <summary>One curve of a convergence figure: chain-mean ⟨m²⟩ after every HMC trajectory.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="M2">Value after trajectory k (entry 0 is the starting point).</param>
public sealed record ConvergenceSeries(string Label, double[] M2);

/// <summary>
/// The paper's Fig. 4: ⟨m²⟩ (mean over chains) against latent-HMC step for one or more flows, with the Swendsen–Wang
/// value ± its error as the ground truth.
/// </summary>
public static class ConvergenceFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 600;

    /// <summary>Renders and writes the figure atomically as PNG.</summary>
    public static void Save(string title, IReadOnlyList<ConvergenceSeries> series, Estimate groundTruth, string path)
    {
        var plot = Build(title, series, groundTruth);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure, for callers that render it elsewhere.</summary>
    public static Plot Build(string title, IReadOnlyList<ConvergenceSeries> series, Estimate groundTruth)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        int longest = 1;
        foreach (var s in series)
        {
            double[] steps = Enumerable.Range(0, s.M2.Length).Select(i => (double)i).ToArray();
            var line = plot.Add.Scatter(steps, s.M2);
            line.LegendText = s.Label;
            line.LineWidth = 0;
            line.MarkerSize = 4;
            longest = Math.Max(longest, s.M2.Length);
        }
        if (double.IsFinite(groundTruth.Mean))
        {
            var truth = plot.Add.HorizontalLine(groundTruth.Mean);
            truth.LegendText = $"ground truth (Swendsen–Wang): {groundTruth.Mean:F4} ± {groundTruth.Error:F4}";
            truth.Color = Colors.Red;
            truth.LineWidth = 2;
            if (groundTruth.Error > 0)
            {
                var band = plot.Add.HorizontalSpan(groundTruth.Mean - 2 * groundTruth.Error, groundTruth.Mean + 2 * groundTruth.Error);
                band.FillStyle.Color = Colors.Red.WithAlpha(0.15);
                band.LineWidth = 0;
            }
        }
        plot.Title(title);
        plot.XLabel("HMC steps (trajectories)");
        plot.YLabel("⟨m²⟩ (mean over chains)");
        plot.Axes.SetLimitsX(0, longest);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
