using SpinFlow.Statistics;

namespace SpinFlow.Tests.Statistics;

public class ConvergenceDiagnosticsTests
{
    /// <summary><paramref name="chains"/> independent AR(1) series (unit variance, τ_int = ½(1+φ)/(1−φ)) plus a per-chain offset.</summary>
    private static double[][] Chains(int chains, int n, double phi, ulong seed, Func<int, double>? offset = null) =>
        Enumerable.Range(0, chains).Select(c =>
        {
            var x = AutocorrelationTests.Ar1(n, phi, seed + (ulong)c);
            double o = offset?.Invoke(c) ?? 0;
            for (int i = 0; i < n; i++) x[i] += o;
            return x;
        }).ToArray();

    /// <summary>Moment chains with e from <paramref name="e"/> and m from <paramref name="m"/> (shifted so that m² is not tiny).</summary>
    private static (IsingObservables Observables, MomentChains Chains) Moments(double[][] e, double[][] m)
    {
        var parts = e.Select((ec, c) => MomentChains.OfOneChain(ec, m[c].Select(v => 0.5 + 0.1 * v).ToArray())).ToArray();
        var chains = new MomentChains(parts.Select(p => p.Energy[0]).ToArray(), parts.Select(p => p.Energy2[0]).ToArray(),
            parts.Select(p => p.M2[0]).ToArray(), parts.Select(p => p.AbsM[0]).ToArray(), parts.Select(p => p.M4[0]).ToArray());
        // As the flow samplers do: the chain-averaged series analysed with Sokal's τ_int.
        var obs = IsingObservables.FromMoments(ConvergenceDiagnostics.ChainAverage(chains.Energy), ConvergenceDiagnostics.ChainAverage(chains.Energy2),
            ConvergenceDiagnostics.ChainAverage(chains.M2), ConvergenceDiagnostics.ChainAverage(chains.AbsM), ConvergenceDiagnostics.ChainAverage(chains.M4), 64, 2.5);
        return (obs, chains);
    }

    /// <summary>The R̂ and drift checks of one extra observable: silent on healthy chains, one named reason each when chains disagree or one chain drifts.</summary>
    [Fact]
    public void ChecksOfOneMoreObservableNameItWhenChainsDisagreeOrDrift()
    {
        Assert.Empty(ConvergenceDiagnostics.Checks("Υ", Chains(8, 2000, 0.5, 11)));
        var disagree = ConvergenceDiagnostics.Checks("Υ", Chains(8, 2000, 0.5, 11, c => c % 2 == 0 ? 0 : 2)).ToArray();
        Assert.Contains(disagree, w => w.StartsWith("split-R̂ > 1.1 (split halves of 8 chains): Υ ", StringComparison.Ordinal));
        var drifting = Chains(1, 4000, 0.5, 13)[0];
        for (int i = drifting.Length / 2; i < drifting.Length; i++) drifting[i] += 1;
        var one = ConvergenceDiagnostics.Checks("Υ", [drifting]).ToArray();
        Assert.Contains(one, w => w.Contains("segments of the one chain): Υ", StringComparison.Ordinal));
        Assert.Contains(one, w => w.StartsWith("drift (second half − first half) beyond 4σ: Υ +", StringComparison.Ordinal));
    }

    [Fact]
    public void HealthyAr1ChainsPass()
    {
        const double phi = 0.5;
        var e = Chains(32, 2000, phi, 100);
        var (obs, chains) = Moments(e, Chains(32, 2000, phi, 200));
        // R̂² − 1 ≈ (2τ − 1)/n_half for healthy chains: 0.002 here.
        Assert.InRange(ConvergenceDiagnostics.SplitRHat(e), 0.99, 1.01);
        // The spread of 32 chain means estimates the error √(2τ/(n k)) with a relative error of 1/√62 ≈ 13 %; 3σ allowed.
        double tau = 0.5 * (1 + phi) / (1 - phi), expected = Math.Sqrt(2 * tau / (2000.0 * 32));
        Assert.InRange(ConvergenceDiagnostics.BetweenChainError(e), 0.62 * expected, 1.38 * expected);
        var (_, report) = ConvergenceDiagnostics.Assess(obs, chains, 64, 2.5);
        Assert.True(report.Verdict.Converged, string.Join("; ", report.Verdict.Warnings));
        Assert.Empty(report.Verdict.Warnings);
        // ESS of ⟨e⟩ ≈ n k / (2τ) = 21 333.
        Assert.InRange(report.Observables.Energy.Ess, 0.6 * 64000 / (2 * tau), 1.4 * 64000 / (2 * tau));
        Assert.InRange(report.Observables.Energy.DriftSigma, -4, 4);
    }

    [Fact]
    public void ChainsStuckAtDifferentValuesAreFlaggedAndTheirErrorWidened()
    {
        // Each chain fluctuates around its own level, 0.3 apart: Sokal's τ of the chain average cannot see it.
        var e = Chains(8, 1000, 0.5, 300, c => 0.3 * c);
        var (obs, chains) = Moments(e, Chains(8, 1000, 0.5, 400));
        // R̂² ≈ 1 + (variance of the levels)/(variance within) = 1 + 0.54: R̂ ≈ 1.24.
        Assert.InRange(ConvergenceDiagnostics.SplitRHat(e), 1.15, 1.35);
        var (widened, report) = ConvergenceDiagnostics.Assess(obs, chains, 64, 2.5);
        Assert.False(report.Verdict.Converged);
        Assert.Contains(report.Verdict.Warnings, w => w.StartsWith("split-R̂ > 1.1") && w.Contains("⟨e⟩"));
        // Means 0…2.1 in steps of 0.3: the spread of 8 chain means gives the standard error of their average, √(var/8).
        double between = Math.Sqrt(Enumerable.Range(0, 8).Select(c => 0.3 * c).ToArray() is var o ? TimeSeries.Variance(o) / 8 : 0);
        Assert.InRange(widened.Energy.Error, 0.9 * between, 1.1 * between);
        Assert.True(widened.Energy.Error > 5 * obs.Energy.Error, $"{widened.Energy} vs {obs.Energy}");
        Assert.Contains("do not use these error bars", report.Verdict.Line);
        Assert.StartsWith("not converged: ", report.Verdict.Line);
    }

    [Fact]
    public void DriftingChainIsFlagged()
    {
        // One chain relaxing linearly by 1.5 standard deviations over the run.
        var x = AutocorrelationTests.Ar1(8000, 0.5, 500);
        for (int i = 0; i < x.Length; i++) x[i] += 1.5 * i / x.Length;
        Assert.True(ConvergenceDiagnostics.DriftSigma(x) > 10);
        Assert.True(ConvergenceDiagnostics.SegmentRHat(x) > 1.1);
        var m = AutocorrelationTests.Ar1(8000, 0.5, 501);
        var (obs, chains) = Moments([x], [m]);
        var (same, report) = ConvergenceDiagnostics.Assess(obs, chains, 64, 2.5);
        Assert.False(report.Verdict.Converged);
        Assert.Contains(report.Verdict.Warnings, w => w.StartsWith("drift") && w.Contains("⟨e⟩"));
        Assert.Equal("4 segments of the one chain", report.RHatBasis);
        // One chain: no between-chain error, the observables stay as analysed.
        Assert.Equal(obs, same);
        Assert.True(double.IsNaN(report.Observables.Energy.BetweenChainError));
    }

    [Fact]
    public void HealthySingleChainPasses()
    {
        var (obs, chains) = Moments([AutocorrelationTests.Ar1(20000, 0.5, 600)], [AutocorrelationTests.Ar1(20000, 0.5, 601)]);
        var (_, report) = ConvergenceDiagnostics.Assess(obs, chains, 64, 2.5);
        Assert.True(report.Verdict.Converged, string.Join("; ", report.Verdict.Warnings));
        Assert.StartsWith("converged: ", report.Verdict.Line);
        // ESS of one chain = n / (2τ) = 20000 / 3.
        Assert.InRange(report.Observables.Energy.Ess, 0.7 * 20000 / 3, 1.3 * 20000 / 3);
    }

    [Fact]
    public void RunMuchShorterThanTauIsFlagged()
    {
        // τ_int = 99.5 with 300 measurements: Sokal's window cannot be reached and ESS is a few.
        var (obs, chains) = Moments([AutocorrelationTests.Ar1(300, 0.99, 700)], [AutocorrelationTests.Ar1(300, 0.99, 701)]);
        var (_, report) = ConvergenceDiagnostics.Assess(obs, chains, 64, 2.5);
        Assert.False(report.Verdict.Converged);
        Assert.Contains(report.Verdict.Warnings, w => w.StartsWith("ESS < 100"));
        Assert.Contains(report.Verdict.Warnings, w => w.StartsWith("Sokal window not reached"));
    }

    [Fact]
    public void ConstantChainsAgreeOnlyWhenEqual()
    {
        Assert.Equal(1.0, ConvergenceDiagnostics.SplitRHat([[1, 1, 1, 1], [1, 1, 1, 1]]));
        Assert.Equal(double.PositiveInfinity, ConvergenceDiagnostics.SplitRHat([[1, 1, 1, 1], [2, 2, 2, 2]]));
        Assert.True(double.IsNaN(ConvergenceDiagnostics.SplitRHat([[1, 2, 3]])));
    }

    [Fact]
    public void BetweenChainErrorOfAStepMajorTraceUsesItsLastSteps()
    {
        // Chain 0: 9, 1, 2, 3; chain 1: 9, 3, 4, 5 — the first step (9, 9) is warm-up and left out.
        double[] trace = [9, 9, 1, 3, 2, 4, 3, 5];
        double expected = ConvergenceDiagnostics.BetweenChainError([[1, 2, 3], [3, 4, 5]]);
        Assert.Equal(expected, ConvergenceDiagnostics.BetweenChainError(trace, 2, 3));
        // Means 2 and 4: variance 2, standard error √(2/2) = 1.
        Assert.Equal(1.0, expected, 12);
        Assert.True(double.IsNaN(ConvergenceDiagnostics.BetweenChainError([[1.0, 2.0]])));
    }

    [Fact]
    public void VerdictCollectsReasons()
    {
        var ok = ConvergenceVerdict.Of([]);
        Assert.True(ok.Converged);
        var bad = ok.With(["weight ESS too small"]);
        Assert.False(bad.Converged);
        Assert.Equal("not converged: weight ESS too small; do not use these error bars", bad.Line);
    }
}
