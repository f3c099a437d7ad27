namespace SpinFlow.Statistics;

/// <summary>The convergence verdict of a run with the diagnostics it was built from.</summary>
/// <param name="Verdict">Converged or not, with reasons.</param>
/// <param name="Observables">Per-observable diagnostics.</param>
/// <param name="Chains">Independent chains behind the run.</param>
/// <param name="RHatBasis">What R̂ compares: "split halves of N chains" or "N segments of the one chain".</param>
public sealed record ConvergenceReport(ConvergenceVerdict Verdict, IsingConvergence Observables, int Chains, string RHatBasis)
{
    /// <summary>The report with further reasons (a sampler's own checks) added to the verdict.</summary>
    public ConvergenceReport WithWarnings(IEnumerable<string> more) => this with { Verdict = Verdict.With(more) };
}
