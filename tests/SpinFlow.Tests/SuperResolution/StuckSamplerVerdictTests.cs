using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Relaxation;
using SpinFlow.Latent;
using SpinFlow.SuperResolution;
using SpinFlow.Tests.Cli;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>
/// Flow samplers through an untrained flow: exact in principle, but the chains barely move in a short run. The verdict
/// must say so instead of printing confident error bars (issue 13).
/// </summary>
public sealed class StuckSamplerVerdictTests : IDisposable
{
    private const double T = 2.0;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-stuck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ClusterOnlyFlowMetropolisThroughAnUntrainedFlowIsFlagged()
    {
        var inputs = ExactSamplingTests.InputData(4, T, 64, 21);
        var flow = RandomFlow(SmallSuperRes(), 8, 22, scale: 0.3, aScale: 0.2);
        var options = new FlowMetropolisOptions(8, T, 0, 300, seed: 23, FlowMetropolisMoves.ClusterOnly);
        var r = new FlowMetropolisSampler(flow, T, inputs, options).Run();
        var v = r.Convergence!.Verdict;
        Assert.False(v.Converged);
        // The chains sit near their different starts, and the flow's weights say why.
        Assert.Contains(v.Warnings, w => w.StartsWith("split-R̂ > 1.1 (split halves of 8 chains)"));
        Assert.Contains(v.Warnings, w => w.StartsWith("flow importance-weight ESS × cluster proposals"));
        // Stuck chains: the spread of the chain means exceeds Sokal's error of the chain average, and the reported error is the larger.
        var m2 = r.Convergence.Observables.M2;
        Assert.True(m2.BetweenChainError > m2.SokalError, $"between {m2.BetweenChainError} vs Sokal {m2.SokalError}");
        Assert.Equal(m2.BetweenChainError, r.Observables.M2.Error);
    }

    [Fact]
    public void LatentHmcStartsShowBothMagnetisationSigns()
    {
        // Inputs all magnetised the same way: without dispersion every chain would start in one sector.
        var inputs = ExactSamplingTests.InputData(4, 1.5, 64, 31).Select(Math.Abs).ToArray();
        var flow = RandomFlow(SmallSuperRes(), 8, 32, scale: 0.3, aScale: 0.2);
        // Trajectories of one tiny leapfrog step barely move z, so each chain's final latent shows where it started.
        var hmc = new SpinFlow.Hmc.HmcOptions { LeapfrogSteps = 1, StepSize = 1e-7, TuneStepSize = false };
        var options = new LatentHmcOptions(4, 0, 4, hmc, seed: 33);
        var sampler = new LatentHmcSampler(flow, 1.5, inputs, options);
        var r = sampler.Run();
        var final = r.LatentHmc!.FinalLatent;
        var prior = sampler.Prior;
        var signs = Enumerable.Range(0, 4).Select(c =>
        {
            double s = 0;
            for (int i = 0; i < prior.Sites; i++)
                if (prior.IsInputSite(i / prior.Size, i % prior.Size)) s += final[c * prior.Sites + i];
            return Math.Sign(s);
        }).ToArray();
        Assert.Contains(1, signs);
        Assert.Contains(-1, signs);
        Assert.NotNull(r.Convergence);
    }

    [Fact]
    public void SampleCommandSaysNotConvergedForAStuckFlowMetropolisRun()
    {
        string xi = Path.Combine(_dir, "xi.h5"), ckpt = Path.Combine(_dir, "flow.ckpt"), json = Path.Combine(_dir, "r.json");
        var x = ExactSamplingTests.InputData(4, T, 64, 21).Select(v => (float)v).ToArray();
        RelaxedConfigurationFile.Write(xi, x, 64, new RelaxedConfigurationMetadata(4, T, RelaxedIsing.DefaultShift(T), "exact", 21));
        Checkpoint.Capture(RandomFlow(SmallSuperRes(), 8, 22, scale: 0.3, aScale: 0.2)).Save(ckpt);
        var o = CliRunner.Run("sample", "--flow", ckpt, "--input", xi, "-T", "2.0", "-m", "flow-mh", "--cluster-move-probability", "1",
            "--samples", "300", "--warmup", "0", "--chains", "8", "--seed", "23", "--threads", "1", "--json", json);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("ESS", o.Stdout);
        var line = o.Stdout.Split('\n').Single(l => l.StartsWith("not converged: "));
        Assert.Contains("split-R̂", line);
        Assert.EndsWith("; do not use these error bars", line.TrimEnd());
        var r = (JsonObject)JsonNode.Parse(File.ReadAllText(json))!;
        Assert.False((bool)r["converged"]!);
        Assert.Contains(r["warnings"]!.AsArray(), w => ((string)w!).StartsWith("split-R̂"));
        Assert.True((double)r["observables"]!["m2"]!["r_hat"]! > 1.1);
        Assert.NotNull(r["observables"]!["m2"]!["ess"]);
    }
}
