namespace SpinFlow.Statistics;

/// <summary>Means of correlated time series with autocorrelation-aware error bars.</summary>
public static class TimeSeries
{
    /// <summary>Sample mean.</summary>
    public static double Mean(ReadOnlySpan<double> series)
    {
        if (series.Length == 0) throw new ArgumentException("empty series", nameof(series));
        double s = 0;
        foreach (double v in series) s += v;
        return s / series.Length;
    }

    /// <summary>Unbiased sample variance.</summary>
    public static double Variance(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        if (n < 2) return 0;
        double mean = Mean(series), s = 0;
        foreach (double v in series) s += (v - mean) * (v - mean);
        return s / (n - 1);
    }

    /// <summary>Mean ± √(2τ_int σ²/n), with τ_int from Sokal's automatic window.</summary>
    public static Estimate Analyze(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        double mean = Mean(series);
        if (n < 2) return new Estimate(mean, double.NaN, double.NaN);
        var tau = Autocorrelation.IntegratedTime(series);
        double error = Math.Sqrt(2 * tau.Tau * Variance(series) / n);
        return new Estimate(mean, error, tau.Tau);
    }

    /// <summary>
    /// Mean of <paramref name="chains"/> independent chains of equal length: the error combines the chains'
    /// own autocorrelation-aware errors (τ is the average over chains). Use it for many chains run in parallel.
    /// </summary>
    public static Estimate AnalyzeChains(IReadOnlyList<double[]> chains)
    {
        if (chains.Count == 0) throw new ArgumentException("no chains", nameof(chains));
        if (chains.Count == 1) return Analyze(chains[0]);
        double sumMean = 0, sumVar = 0, sumTau = 0;
        foreach (var c in chains)
        {
            var e = Analyze(c);
            sumMean += e.Mean;
            sumVar += e.Error * e.Error;
            sumTau += e.Tau;
        }
        int k = chains.Count;
        return new Estimate(sumMean / k, Math.Sqrt(sumVar) / k, sumTau / k);
    }
}
