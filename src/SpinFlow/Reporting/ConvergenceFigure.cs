using ScottPlot;
using SpinFlow.IO;
using SpinFlow.Statistics;

namespace SpinFlow.Reporting;

/// <summary>
/// The paper's Fig. 4 for a convergence comparison: ⟨m²⟩ (mean over chains, ±1σ band from the chain spread) against
/// sampler step for each flow, the reference ⟨m²⟩ as a horizontal line with its ±2σ band, and each curve's converged
/// step as a vertical line.
/// </summary>
public static class ConvergenceFigure
{
    /// <summary>Width of the image in pixels.</summary>
    public const int Width = 1000;
    /// <summary>Height of the image in pixels.</summary>
    public const int Height = 600;

    /// <summary>Renders the figure and writes it atomically to <paramref name="path"/> as PNG.</summary>
    public static void Save(IReadOnlyList<(string Label, ConvergenceCurve Curve)> curves, Estimate reference, string title, string path,
        string referenceName = "Swendsen–Wang")
    {
        var plot = Build(curves, reference, title, referenceName);
        AtomicFile.Write(path, tmp => plot.SavePng(tmp, Width, Height));
    }

    /// <summary>The figure, for callers that render it elsewhere; <paramref name="referenceName"/> names the chain behind <paramref name="reference"/>.</summary>
    public static Plot Build(IReadOnlyList<(string Label, ConvergenceCurve Curve)> curves, Estimate reference, string title, string referenceName = "Swendsen–Wang")
    {
        ArgumentNullException.ThrowIfNull(curves);
        var plot = new Plot();
        int steps = curves.Count == 0 ? 1 : curves.Max(c => c.Curve.Mean.Length);
        double[] xs = [0, Math.Max(1, steps - 1)];
        // Reference first so the curves are drawn on top of its band.
        var band = plot.Add.FillY(xs, [reference.Mean - 2 * reference.Error, reference.Mean - 2 * reference.Error],
            [reference.Mean + 2 * reference.Error, reference.Mean + 2 * reference.Error]);
        band.FillColor = Colors.Gray.WithAlpha(0.25);
        band.LineWidth = 0;
        band.LegendText = "reference ±2σ";
        var refLine = plot.Add.HorizontalLine(reference.Mean);
        refLine.Color = Colors.Black;
        refLine.LineWidth = 1.5f;
        refLine.LinePattern = LinePattern.Dashed;
        refLine.LegendText = $"{referenceName} reference";
        foreach (var (label, curve) in curves)
        {
            double[] t = Enumerable.Range(0, curve.Mean.Length).Select(i => (double)i).ToArray();
            var line = plot.Add.ScatterLine(t, curve.Mean);
            line.LineWidth = 2;
            line.LegendText = label;
            if (curve.Error.All(double.IsFinite))
            {
                var fill = plot.Add.FillY(t, curve.Mean.Zip(curve.Error, (m, e) => m - e).ToArray(), curve.Mean.Zip(curve.Error, (m, e) => m + e).ToArray());
                fill.FillColor = line.Color.WithAlpha(0.2);
                fill.LineWidth = 0;
            }
            if (curve.ConvergedStep is int s)
            {
                var v = plot.Add.VerticalLine(s);
                v.Color = line.Color;
                v.LinePattern = LinePattern.Dotted;
                v.LegendText = $"{label}: converged at step {s}";
            }
        }
        plot.Title(title);
        plot.XLabel("HMC step");
        plot.YLabel("⟨m²⟩ (mean over chains)");
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }
}
