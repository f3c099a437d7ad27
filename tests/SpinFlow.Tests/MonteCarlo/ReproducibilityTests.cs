using SpinFlow.MonteCarlo;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Chains are functions of the seed (and, for Metropolis, of the thread count).</summary>
public class ReproducibilityTests
{
    private static sbyte[] After(ISpinSampler sampler, int sweeps)
    {
        for (int i = 0; i < sweeps; i++) sampler.Sweep();
        return sampler.Spins.ToArray();
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 32)]
    [InlineData(SpinAlgorithm.Metropolis, 66)]  // row length 33: a partial vector per row
    [InlineData(SpinAlgorithm.Metropolis, 7)]   // random-site fallback
    [InlineData(SpinAlgorithm.SwendsenWang, 32)]
    [InlineData(SpinAlgorithm.SwendsenWang, 37)]
    [InlineData(SpinAlgorithm.Wolff, 32)]
    [InlineData(SpinAlgorithm.Wolff, 37)]
    public void SameSeedGivesSameChainDifferentSeedsDiffer(SpinAlgorithm algorithm, int size)
    {
        double t = SamplerRuns.CriticalTemperature;
        var a = After(SpinSamplers.Create(algorithm, size, t, 1234), 20);
        var b = After(SpinSamplers.Create(algorithm, size, t, 1234), 20);
        var c = After(SpinSamplers.Create(algorithm, size, t, 1235), 20);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void InitialConfigurationDependsOnSeed()
    {
        var a = new SwendsenWang(16, 2.0, 1).Spins.ToArray();
        var b = new SwendsenWang(16, 2.0, 1).Spins.ToArray();
        var c = new SwendsenWang(16, 2.0, 2).Spins.ToArray();
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void ThreadedMetropolisIsReproducibleForFixedThreadCount(int threads)
    {
        double t = SamplerRuns.CriticalTemperature;
        var a = After(new Metropolis(64, t, 99, threads), 30);
        var b = After(new Metropolis(64, t, 99, threads), 30);
        var c = After(new Metropolis(64, t, 100, threads), 30);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void SetSpinsThenSweepsAreReproducible()
    {
        var start = new sbyte[24 * 24];
        Array.Fill(start, (sbyte)1);
        foreach (var algorithm in Enum.GetValues<SpinAlgorithm>())
        {
            var a = SpinSamplers.Create(algorithm, 24, 2.5, 5);
            var b = SpinSamplers.Create(algorithm, 24, 2.5, 5);
            SetSpins(a, start);
            SetSpins(b, start);
            Assert.Equal(After(a, 5), After(b, 5));
        }
    }

    internal static void SetSpins(ISpinSampler sampler, ReadOnlySpan<sbyte> spins)
    {
        switch (sampler)
        {
            case Metropolis m: m.SetSpins(spins); break;
            case SwendsenWang s: s.SetSpins(spins); break;
            case Wolff w: w.SetSpins(spins); break;
            default: throw new ArgumentException("unknown sampler", nameof(sampler));
        }
    }
}
