using System.Text.Json.Nodes;
using SpinFlow.MonteCarlo;
using SpinFlow.Relaxation;
using SpinFlow.Tests.Cli;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>The convergence verdict of real samplers: healthy settings pass, a run far too short is flagged.</summary>
public sealed class ConvergenceVerdictTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-verdict-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SwendsenWangAtAHealthySettingConverges()
    {
        // τ_int of a few sweeps at 16×16 near T_c: 20 000 sweeps are thousands of τ.
        var r = MarkovChainRun.Run(new McmcOptions(16, 2.3, SpinAlgorithm.SwendsenWang, 20000, 2000, 1, 3));
        var c = r.Convergence!;
        Assert.True(c.Verdict.Converged, string.Join("; ", c.Verdict.Warnings));
        Assert.Equal("4 segments of the one chain", c.RHatBasis);
        Assert.InRange(c.Observables.M2.RHat, 0.99, 1.05);
        Assert.True(c.Observables.Energy.Ess > 1000);
    }

    [Fact]
    public void MetropolisFarTooShortAtLowTemperatureIsFlagged()
    {
        // From a random start at T = 1.5 on 32×32 the energy is still relaxing after 200 sweeps, with no burn-in.
        var r = MarkovChainRun.Run(new McmcOptions(32, 1.5, SpinAlgorithm.Metropolis, 200, 0, 1, 3));
        var v = r.Convergence!.Verdict;
        Assert.False(v.Converged);
        Assert.Contains(v.Warnings, w => w.StartsWith("split-R̂ > 1.1 (4 segments of the one chain)") && w.Contains("⟨e⟩"));
        Assert.Contains(v.Warnings, w => w.StartsWith("ESS < 100"));
    }

    [Fact]
    public void FrozenChainIsFlaggedNotConverged()
    {
        // At T = 0.2 a single Metropolis flip costs e^{−40}: after thermalising into a striped or domain state the chain
        // never moves, every measurement is the same, and the error bars are exactly zero.
        var r = MarkovChainRun.Run(new McmcOptions(16, 0.2, SpinAlgorithm.Metropolis, 400, 2000, 1, 6));
        Assert.Equal(0, r.Observables.Energy.Error);
        var v = r.Convergence!.Verdict;
        Assert.False(v.Converged);
        Assert.Contains(v.Warnings, w => w.StartsWith("ESS < 100") && w.Contains("never changed"));
    }

    [Fact]
    public void RelaxedExactSamplerWithSeveralChainsConverges()
    {
        var r = RelaxedRun.Run(new RelaxedOptions { Size = 8, Temperature = 3.0, Samples = 16000, Chains = 8, Seed = 4, Threads = 1 });
        var c = r.Convergence!;
        Assert.True(c.Verdict.Converged, string.Join("; ", c.Verdict.Warnings));
        Assert.Equal("split halves of 8 chains", c.RHatBasis);
        // The reported error is the larger of Sokal's and the between-chain spread.
        Assert.Equal(Math.Max(c.Observables.M2.SokalError, c.Observables.M2.BetweenChainError), r.Observables.M2.Error);
    }

    [Fact]
    public void CliPrintsOneVerdictLineAndWritesTheFieldsToJson()
    {
        string good = Path.Combine(_dir, "good.json"), bad = Path.Combine(_dir, "bad.json");
        var ok = CliRunner.Run("mcmc", "-L", "16", "-T", "2.3", "-a", "sw", "-n", "20000", "--seed", "3", "--json", good);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Contains("converged: split-R̂ ≤ 1.1", ok.Stdout);
        Assert.DoesNotContain("not converged", ok.Stdout);
        var j = (JsonObject)JsonNode.Parse(File.ReadAllText(good))!;
        Assert.True((bool)j["converged"]!);
        Assert.Empty(j["warnings"]!.AsArray());
        foreach (string k in new[] { "energy", "m2", "abs_m", "specific_heat", "susceptibility", "binder" })
        {
            Assert.True((double)j["observables"]![k]!["ess"]! > 0);
            Assert.InRange((double)j["observables"]![k]!["r_hat"]!, 0.9, 1.1);
        }

        var no = CliRunner.Run("mcmc", "-L", "32", "-T", "1.5", "-a", "metropolis", "-n", "200", "--thermalize", "0", "--seed", "3", "--json", bad);
        Assert.True(no.ExitCode == 0, no.Stderr);
        var line = no.Stdout.Split('\n').Single(l => l.StartsWith("not converged: "));
        Assert.EndsWith("; do not use these error bars", line.TrimEnd());
        var jb = (JsonObject)JsonNode.Parse(File.ReadAllText(bad))!;
        Assert.False((bool)jb["converged"]!);
        Assert.NotEmpty(jb["warnings"]!.AsArray());
    }
}
