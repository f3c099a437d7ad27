namespace SpinFlow.Statistics;

/// <summary>Whether a run's error bars can be trusted: converged when no check failed, else the failed checks as reasons.</summary>
/// <param name="Converged">True when every check passed.</param>
/// <param name="Warnings">One reason per failed check (empty when converged).</param>
public sealed record ConvergenceVerdict(bool Converged, IReadOnlyList<string> Warnings)
{
    /// <summary>The verdict of the given reasons: converged exactly when there are none.</summary>
    public static ConvergenceVerdict Of(IEnumerable<string> warnings)
    {
        var list = warnings.ToArray();
        return new ConvergenceVerdict(list.Length == 0, list);
    }

    /// <summary>The verdict with further reasons added (e.g. a sampler's own checks).</summary>
    public ConvergenceVerdict With(IEnumerable<string> more) => Of(Warnings.Concat(more));

    /// <summary>The one line a terminal shows.</summary>
    public string Line => Converged
        ? $"converged: split-R̂ ≤ {ConvergenceDiagnostics.MaxRHat}, |drift| ≤ {ConvergenceDiagnostics.MaxDriftSigma}σ, ESS ≥ {ConvergenceDiagnostics.MinEss}, Sokal window reached"
        : $"not converged: {string.Join("; ", Warnings)}; do not use these error bars";
}
