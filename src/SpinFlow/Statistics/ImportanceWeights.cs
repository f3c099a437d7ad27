namespace SpinFlow.Statistics;

/// <summary>Summaries of importance weights w = e^{ln w}, computed from log-weights without overflow.</summary>
public static class ImportanceWeights
{
    /// <summary>Normalised effective sample size (Σw)² / (n Σw²) ∈ (0, 1] of log-weights <paramref name="lnW"/>; NaN when empty or all −∞.</summary>
    public static double Ess(IReadOnlyList<double> lnW)
    {
        ArgumentNullException.ThrowIfNull(lnW);
        if (lnW.Count == 0) return double.NaN;
        double max = double.NegativeInfinity;
        foreach (double v in lnW) if (v > max) max = v;
        if (double.IsNegativeInfinity(max) || double.IsNaN(max)) return double.NaN;
        double s1 = 0, s2 = 0;
        foreach (double v in lnW)
        {
            double w = Math.Exp(v - max);
            s1 += w;
            s2 += w * w;
        }
        return s1 * s1 / (s2 * lnW.Count);
    }

    /// <summary>Self-normalised importance-sampling mean Σ w·v / Σ w of <paramref name="values"/> (no error bar).</summary>
    public static double SelfNormalisedMean(IReadOnlyList<double> lnW, IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(lnW);
        ArgumentNullException.ThrowIfNull(values);
        if (lnW.Count != values.Count) throw new ArgumentException($"{lnW.Count} weights but {values.Count} values", nameof(values));
        double max = lnW.Max(), sw = 0, swv = 0;
        for (int i = 0; i < lnW.Count; i++)
        {
            double w = Math.Exp(lnW[i] - max);
            sw += w;
            swv += w * values[i];
        }
        return swv / sw;
    }
}
