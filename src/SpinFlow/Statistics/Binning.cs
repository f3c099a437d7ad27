namespace SpinFlow.Statistics;

/// <summary>One level of a binning analysis.</summary>
/// <param name="BinSize">Measurements per bin (2^level).</param>
/// <param name="Bins">Number of bins at this level.</param>
/// <param name="Error">Naive error of the mean computed from the bin averages.</param>
public readonly record struct BinningLevel(int BinSize, int Bins, double Error);

/// <summary>Result of a binning (blocking) analysis: errors versus bin size and the estimate read off the plateau.</summary>
/// <param name="Levels">Levels from bin size 1 upwards, each with at least <see cref="Binning.MinimumBins"/> bins.</param>
/// <param name="Error">Error estimate: the largest level error among the last three levels (the plateau, conservatively).</param>
/// <param name="Tau">τ_int = ½ (Error / error at bin size 1)².</param>
public sealed record BinningAnalysis(IReadOnlyList<BinningLevel> Levels, double Error, double Tau);

/// <summary>Binning analysis: errors of block averages that become uncorrelated once the bins exceed τ_int.</summary>
public static class Binning
{
    /// <summary>Fewest bins kept at the last level (fewer make the error of the error too large).</summary>
    public const int MinimumBins = 32;

    /// <summary>Repeatedly halves the series into bins of 2, 4, 8, … measurements and records the naive error at each level.</summary>
    public static BinningAnalysis Analyze(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        if (n < 2) throw new ArgumentException("binning needs at least 2 measurements", nameof(series));
        var current = series.ToArray();
        var levels = new List<BinningLevel>();
        int binSize = 1;
        while (current.Length >= Math.Min(MinimumBins, n))
        {
            double err = Math.Sqrt(TimeSeries.Variance(current) / current.Length);
            levels.Add(new BinningLevel(binSize, current.Length, err));
            if (current.Length / 2 < MinimumBins) break;
            var next = new double[current.Length / 2];
            for (int i = 0; i < next.Length; i++) next[i] = 0.5 * (current[2 * i] + current[2 * i + 1]);
            current = next;
            binSize *= 2;
        }
        double plateau = 0;
        for (int i = Math.Max(0, levels.Count - 3); i < levels.Count; i++) plateau = Math.Max(plateau, levels[i].Error);
        double e0 = levels[0].Error;
        double tau = e0 > 0 ? 0.5 * (plateau / e0) * (plateau / e0) : 0.5;
        return new BinningAnalysis(levels, plateau, tau);
    }
}
