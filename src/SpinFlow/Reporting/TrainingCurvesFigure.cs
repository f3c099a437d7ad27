using ScottPlot;
using SpinFlow.IO;

namespace SpinFlow.Reporting;

/// <summary>One training run for <see cref="TrainingCurvesFigure"/>: loss per site after every step and its exact lower bound.</summary>
/// <param name="Label">Legend text.</param>
/// <param name="LossPerSite">Loss per site of the output lattice, step by step.</param>
/// <param name="BoundPerSite">−ln Z_x / N of the target: the loss can approach it but not go below it (up to noise).</param>
public sealed record TrainingCurve(string Label, double[] LossPerSite, double BoundPerSite);

/// <summary>Training curves: loss per site against step, each with its exact bound −ln Z_x/N as a dashed line.</summary>
public static class TrainingCurvesFigure
{
    /// <summary>Image width in pixels.</summary>
    public const int Width = 900;
    /// <summary>Image height in pixels.</summary>
    public const int Height = 600;

    /// <summary>Renders and writes the figure atomically as PNG.</summary>
    public static void Save(IReadOnlyList<TrainingCurve> curves, string path)
    {
        var plot = Build(curves);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure, for callers that render it elsewhere.</summary>
    public static Plot Build(IReadOnlyList<TrainingCurve> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (c.LossPerSite.Length == 0) continue;
            double[] steps = Enumerable.Range(1, c.LossPerSite.Length).Select(k => (double)k).ToArray();
            var line = plot.Add.ScatterLine(steps, c.LossPerSite);
            line.LegendText = c.Label;
            line.Color = palette.GetColor(i);
            var bound = plot.Add.HorizontalLine(c.BoundPerSite);
            bound.Color = line.Color;
            bound.LinePattern = LinePattern.Dashed;
            bound.LegendText = $"bound −ln Z_x/N = {c.BoundPerSite:F4}";
            // The first steps sit far above the rest; frame the later part of the run and the bound.
            var tail = c.LossPerSite.Skip(c.LossPerSite.Length / 10).Where(double.IsFinite).ToArray();
            if (tail.Length > 0)
            {
                lo = Math.Min(lo, Math.Min(tail.Min(), c.BoundPerSite));
                hi = Math.Max(hi, tail.Max());
            }
        }
        if (double.IsFinite(lo) && double.IsFinite(hi) && hi > lo)
            plot.Axes.SetLimitsY(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo));
        plot.Title("Training: reverse-KL loss per site and its exact bound");
        plot.XLabel("training step");
        plot.YLabel("loss / N = mean(−ln|det| + E_x) / N");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }
}
