using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Shared helpers: run a chain, measure after every sweep, analyse.</summary>
internal static class SamplerRuns
{
    public const double CriticalTemperature = 2.269185314213022;

    /// <summary>Energy and magnetisation per site after each of <paramref name="sweeps"/> sweeps, after <paramref name="burnIn"/> discarded ones.</summary>
    public static (double[] Energy, double[] Magnetization) Measure(ISpinSampler sampler, int burnIn, int sweeps)
    {
        for (int i = 0; i < burnIn; i++) sampler.Sweep();
        var e = new double[sweeps];
        var m = new double[sweeps];
        for (int i = 0; i < sweeps; i++)
        {
            sampler.Sweep();
            var x = SpinConfiguration.Measure(sampler.Spins, sampler.Size);
            e[i] = x.Energy;
            m[i] = x.Magnetization;
        }
        return (e, m);
    }

    public static IsingObservables Analyze(ISpinSampler sampler, int burnIn, int sweeps)
    {
        var (e, m) = Measure(sampler, burnIn, sweeps);
        return IsingObservables.Analyze(e, m, sampler.Size * sampler.Size, sampler.Temperature);
    }

    /// <summary>Asserts |estimate − exact| ≤ 4σ with a message that shows the numbers.</summary>
    public static void AssertWithin4Sigma(string what, Estimate estimate, double exact)
    {
        Assert.True(estimate.Error > 0 && double.IsFinite(estimate.Error), $"{what}: error bar {estimate.Error} is not usable");
        double z = estimate.DeviationSigma(exact);
        Assert.True(Math.Abs(z) <= 4, $"{what}: {estimate} vs exact {exact:G8} ({z:F2}σ)");
    }

    /// <summary>Asserts two independent estimates agree within 4 combined σ.</summary>
    public static void AssertAgree(string what, Estimate a, Estimate b)
    {
        double z = a.DeviationSigma(b.Mean, b.Error);
        Assert.True(Math.Abs(z) <= 4, $"{what}: {a} vs {b} ({z:F2}σ)");
    }
}
