using ScottPlot;
using SpinFlow.Statistics;

namespace SpinFlow.Reporting;

/// <summary>The two ways the figures draw estimates with error bars: a reference series as a line, a flow's results as crosses.</summary>
internal static class EstimateMarks
{
    /// <summary>Means joined by a line (markers of <paramref name="markerSize"/>, 0 for none), with error bars in the same colour.</summary>
    public static void Line(Plot plot, double[] x, Estimate[] values, Color color, string legend, float markerSize)
    {
        double[] y = values.Select(v => v.Mean).ToArray();
        var line = plot.Add.Scatter(x, y);
        line.LegendText = legend;
        line.Color = color;
        line.LineWidth = 1.5f;
        line.MarkerSize = markerSize;
        plot.Add.ErrorBar(x, y, values.Select(v => v.Error).ToArray()).Color = color;
    }

    /// <summary>Means as large crosses without a line, with error bars in the same colour.</summary>
    public static void Crosses(Plot plot, double[] x, Estimate[] values, Color color, string legend)
    {
        double[] y = values.Select(v => v.Mean).ToArray();
        var marks = plot.Add.Scatter(x, y);
        marks.LegendText = legend;
        marks.LineWidth = 0;
        marks.MarkerSize = 11;
        marks.MarkerShape = MarkerShape.Cross;
        marks.MarkerLineWidth = 2;
        marks.Color = color;
        plot.Add.ErrorBar(x, y, values.Select(v => v.Error).ToArray()).Color = color;
    }
}
