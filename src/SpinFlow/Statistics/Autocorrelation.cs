using SpinFlow.Numerics;

namespace SpinFlow.Statistics;

/// <summary>Integrated autocorrelation time with its self-consistent window.</summary>
/// <param name="Tau">τ_int = ½ + Σ_{t=1}^{W} ρ(t), in units of the series' spacing.</param>
/// <param name="Error">Statistical error of τ_int (Madras–Sokal: τ·√(2(2W+1)/n)).</param>
/// <param name="Window">The summation window W.</param>
/// <param name="Reliable">False when the series is too short for the window criterion to be met (then n &lt; 50 τ is likely).</param>
public readonly record struct AutocorrelationTime(double Tau, double Error, int Window, bool Reliable);

/// <summary>Autocorrelation function and integrated autocorrelation time of a time series.</summary>
public static class Autocorrelation
{
    /// <summary>Sokal's window factor: the window is the smallest W with W ≥ c·τ_int(W).</summary>
    public const double DefaultWindowFactor = 6.0;

    /// <summary>Normalised autocorrelation ρ(t), t = 0 … maxLag, computed in O(n log n) by FFT (zero padded, so not circular).</summary>
    public static double[] Function(ReadOnlySpan<double> series, int maxLag)
    {
        int n = series.Length;
        if (n < 2) throw new ArgumentException("autocorrelation needs at least 2 measurements", nameof(series));
        maxLag = Math.Clamp(maxLag, 0, n - 1);
        double mean = 0;
        foreach (double v in series) mean += v;
        mean /= n;
        // Zero padding to n + maxLag suffices to keep lags up to maxLag free of wrap-around.
        int m = FourierTransform.NextPowerOfTwo(n + maxLag);
        var re = new double[m];
        var im = new double[m];
        for (int i = 0; i < n; i++) re[i] = series[i] - mean;
        var fft = new FourierTransform(m);
        fft.Forward(re, im);
        for (int k = 0; k < m; k++)
        {
            re[k] = re[k] * re[k] + im[k] * im[k];
            im[k] = 0;
        }
        fft.Inverse(re, im);
        var rho = new double[maxLag + 1];
        double c0 = re[0] / n;
        if (!(c0 > 0))
        {
            // A constant series: no fluctuations, define ρ(0) = 1 and ρ(t > 0) = 0.
            rho[0] = 1;
            return rho;
        }
        for (int t = 0; t <= maxLag; t++) rho[t] = re[t] / (n - t) / c0;
        return rho;
    }

    /// <summary>τ_int with Sokal's automatic window (window factor <paramref name="windowFactor"/>).</summary>
    public static AutocorrelationTime IntegratedTime(ReadOnlySpan<double> series, double windowFactor = DefaultWindowFactor)
    {
        int n = series.Length;
        if (n < 2) return new AutocorrelationTime(0.5, double.NaN, 0, false);
        // Look at lags up to n/4 at most; ρ beyond that is too noisy to sum.
        int maxLag = Math.Max(1, n / 4);
        double[] rho = Function(series, maxLag);
        double tau = 0.5;
        for (int w = 1; w <= maxLag; w++)
        {
            tau += rho[w];
            if (w >= windowFactor * tau)
            {
                tau = Math.Max(tau, 0.5);
                return new AutocorrelationTime(tau, tau * Math.Sqrt(2.0 * (2 * w + 1) / n), w, true);
            }
        }
        tau = Math.Max(tau, 0.5);
        return new AutocorrelationTime(tau, tau * Math.Sqrt(2.0 * (2 * maxLag + 1) / n), maxLag, false);
    }
}
