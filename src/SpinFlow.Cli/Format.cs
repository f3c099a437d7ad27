using System.Globalization;
using SpinFlow.Statistics;

namespace SpinFlow.Cli;

/// <summary>Number formatting for tables: a mean with as many decimals as its error bar supports.</summary>
public static class Format
{
    /// <summary>"−1.4532 ± 0.0012": the error to two significant digits, the mean to the same decimal place.</summary>
    public static string WithError(double mean, double error)
    {
        if (double.IsNaN(error) || error <= 0 || double.IsInfinity(error))
            return mean.ToString("G8", CultureInfo.InvariantCulture) + " ± " + error.ToString("G2", CultureInfo.InvariantCulture);
        int decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(error)), 0, 15);
        string f = "F" + decimals.ToString(CultureInfo.InvariantCulture);
        return mean.ToString(f, CultureInfo.InvariantCulture) + " ± " + error.ToString(f, CultureInfo.InvariantCulture);
    }

    /// <summary>Formats an estimate as mean ± error.</summary>
    public static string WithError(Estimate e) => WithError(e.Mean, e.Error);

    /// <summary>Invariant-culture general number.</summary>
    public static string Number(double v, string format = "G6") => v.ToString(format, CultureInfo.InvariantCulture);
}
