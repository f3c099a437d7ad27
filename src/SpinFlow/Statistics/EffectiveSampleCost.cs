namespace SpinFlow.Statistics;

/// <summary>
/// Wall seconds per effective sample of a Markov-chain run: wall × 2τ / samples, with τ the larger of Sokal's τ_int and the
/// τ implied by the effective sample size, samples / (2 ESS): chains that have not forgotten their start give an ESS far
/// below samples / 2τ_Sokal, and must not look cheap.
/// </summary>
public static class EffectiveSampleCost
{
    /// <summary>The τ (in steps) to cost a run by; either input may be NaN (unknown), then the other is used.</summary>
    public static double Tau(double sokalTau, double ess, double samples)
    {
        double fromEss = ess > 0 ? samples / (2 * ess) : double.NaN;
        return double.IsNaN(fromEss) ? sokalTau : double.IsNaN(sokalTau) ? fromEss : Math.Max(sokalTau, fromEss);
    }

    /// <summary>Wall seconds per effective sample: <paramref name="wallSeconds"/> × 2τ / <paramref name="samples"/>.</summary>
    public static double Seconds(double wallSeconds, double tau, double samples) => wallSeconds * 2 * tau / samples;
}
