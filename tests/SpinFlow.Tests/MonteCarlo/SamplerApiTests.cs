using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>Construction, argument checks, configuration access and bookkeeping.</summary>
public class SamplerApiTests
{
    [Theory]
    [InlineData("metropolis", SpinAlgorithm.Metropolis)]
    [InlineData("Metropolis", SpinAlgorithm.Metropolis)]
    [InlineData("sw", SpinAlgorithm.SwendsenWang)]
    [InlineData(" SW ", SpinAlgorithm.SwendsenWang)]
    [InlineData("swendsen-wang", SpinAlgorithm.SwendsenWang)]
    [InlineData("wolff", SpinAlgorithm.Wolff)]
    public void ParsesAlgorithmNames(string name, SpinAlgorithm expected) => Assert.Equal(expected, SpinSamplers.Parse(name));

    [Fact]
    public void UnknownNameListsValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => SpinSamplers.Parse("heatbath"));
        Assert.Contains("heatbath", ex.Message);
        Assert.Contains("metropolis", ex.Message);
        Assert.Contains("sw", ex.Message);
        Assert.Contains("wolff", ex.Message);
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, typeof(Metropolis))]
    [InlineData(SpinAlgorithm.SwendsenWang, typeof(SwendsenWang))]
    [InlineData(SpinAlgorithm.Wolff, typeof(Wolff))]
    public void FactoryBuildsRequestedSampler(SpinAlgorithm algorithm, Type type)
    {
        var sampler = SpinSamplers.Create(algorithm, 8, 2.0, 3);
        Assert.IsType(type, sampler);
        Assert.Equal(8, sampler.Size);
        Assert.Equal(2.0, sampler.Temperature);
        Assert.Equal(64, sampler.Spins.Length);
        Assert.Equal(algorithm, SpinSamplers.Parse(SpinSamplers.Name(algorithm)));
    }

    [Theory]
    [InlineData(1, 2.0)]
    [InlineData(0, 2.0)]
    [InlineData(8, 0.0)]
    [InlineData(8, -1.0)]
    [InlineData(8, double.NaN)]
    [InlineData(8, double.PositiveInfinity)]
    public void RejectsBadArguments(int size, double temperature)
    {
        foreach (var algorithm in Enum.GetValues<SpinAlgorithm>())
            Assert.Throws<ArgumentOutOfRangeException>(() => SpinSamplers.Create(algorithm, size, temperature, 1));
    }

    [Fact]
    public void RejectsBadThreadCount() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Metropolis(8, 2.0, 1, 0));

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 10)]
    [InlineData(SpinAlgorithm.Metropolis, 9)]
    [InlineData(SpinAlgorithm.Metropolis, 70)]
    [InlineData(SpinAlgorithm.SwendsenWang, 10)]
    [InlineData(SpinAlgorithm.Wolff, 9)]
    public void SetSpinsRoundTripsAndValidates(SpinAlgorithm algorithm, int size)
    {
        var sampler = SpinSamplers.Create(algorithm, size, 2.0, 8);
        Assert.All(sampler.Spins.ToArray(), s => Assert.True(s == 1 || s == -1));
        var config = new sbyte[size * size];
        SpinConfiguration.Randomize(config, new Xoshiro256(77));
        ReproducibilityTests.SetSpins(sampler, config);
        Assert.Equal(config, sampler.Spins.ToArray());
        sampler.Sweep();
        Assert.All(sampler.Spins.ToArray(), s => Assert.True(s == 1 || s == -1));

        config[3] = 0;
        Assert.Throws<ArgumentException>(() => ReproducibilityTests.SetSpins(sampler, config));
        Assert.Throws<ArgumentException>(() => ReproducibilityTests.SetSpins(sampler, new sbyte[size * size - 1]));
    }

    [Fact]
    public void SpinUpdatesCountWork()
    {
        var metropolis = new Metropolis(12, 2.0, 1);
        metropolis.Sweep();
        metropolis.Sweep();
        Assert.Equal(2 * 144, metropolis.SpinUpdates);
        Assert.InRange(metropolis.AcceptanceRate, 0.0, 1.0);

        var sw = new SwendsenWang(12, 2.0, 1);
        sw.Sweep();
        Assert.Equal(144, sw.SpinUpdates);
        Assert.InRange(sw.ClusterCount, 1, 144);

        var wolff = new Wolff(12, 2.0, 1);
        wolff.Sweep();
        Assert.True(wolff.SpinUpdates >= 144);
        Assert.Equal(wolff.SpinUpdates, wolff.LastSweepClusterSizes.Sum());
        Assert.Equal(wolff.SpinUpdates / (double)wolff.ClustersBuilt, wolff.MeanClusterSize, 12);
        wolff.ResetClusterStatistics();
        Assert.Equal(0, wolff.ClustersBuilt);
        Assert.True(double.IsNaN(wolff.MeanClusterSize));
        wolff.Sweep();
        Assert.Equal(wolff.LastSweepClusterSizes.Average(), wolff.MeanClusterSize, 12);
    }

    [Fact]
    public void MetropolisAcceptsEverythingDownhillAndAtInfiniteTemperatureLimit()
    {
        // At very high T every move is accepted (to 32-bit resolution): a sweep negates the configuration.
        var hot = new Metropolis(16, 1e12, 5);
        var before = hot.Spins.ToArray();
        hot.Sweep();
        var after = hot.Spins.ToArray();
        for (int i = 0; i < before.Length; i++) Assert.Equal(-before[i], after[i]);
        Assert.Equal(1.0, hot.AcceptanceRate);
    }

    [Fact]
    public void MetropolisKeepsGroundStateAtVeryLowTemperature()
    {
        var cold = new Metropolis(16, 0.05, 5);
        var up = new sbyte[256];
        Array.Fill(up, (sbyte)1);
        cold.SetSpins(up);
        for (int i = 0; i < 10; i++) cold.Sweep();
        Assert.Equal(up, cold.Spins.ToArray());
        Assert.Equal(0.0, cold.AcceptanceRate);
    }

    [Fact]
    public void SwendsenWangClusterCountLimits()
    {
        // T → ∞: no bond is ever occupied, every site is its own cluster.
        var hot = new SwendsenWang(20, 1e12, 3);
        hot.Sweep();
        Assert.Equal(400, hot.ClusterCount);

        // T → 0 from the ground state: every bond (periodic ones included) is occupied, one cluster.
        var cold = new SwendsenWang(20, 0.01, 3);
        var up = new sbyte[400];
        Array.Fill(up, (sbyte)1);
        cold.SetSpins(up);
        cold.Sweep();
        Assert.Equal(1, cold.ClusterCount);
        Assert.Equal(400, Math.Abs(SpinConfiguration.TotalMagnetization(cold.Spins)));
    }

    [Fact]
    public void WolffFixesClusterCountAfterCalibration()
    {
        var wolff = new Wolff(16, SamplerRuns.CriticalTemperature, 4);
        for (int i = 0; i < Wolff.CalibrationSweeps; i++)
        {
            Assert.Equal(0, wolff.ClustersPerSweep);
            wolff.Sweep();
            Assert.True(wolff.LastSweepClusterSizes.Sum() >= 256);
        }
        int k = wolff.ClustersPerSweep;
        Assert.InRange(k, 1, 256);
        wolff.Sweep();
        Assert.Equal(k, wolff.LastSweepClusterSizes.Count);

        var preset = new Wolff(16, SamplerRuns.CriticalTemperature, 4) { ClustersPerSweep = 3 };
        preset.Sweep();
        Assert.Equal(3, preset.LastSweepClusterSizes.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => preset.ClustersPerSweep = 0);
    }

    [Theory]
    [InlineData(SpinAlgorithm.Metropolis, 64)]
    [InlineData(SpinAlgorithm.Metropolis, 9)]
    [InlineData(SpinAlgorithm.SwendsenWang, 64)]
    [InlineData(SpinAlgorithm.SwendsenWang, 45)]
    [InlineData(SpinAlgorithm.Wolff, 64)]
    public void SweepsDoNotAllocate(SpinAlgorithm algorithm, int size)
    {
        var sampler = SpinSamplers.Create(algorithm, size, SamplerRuns.CriticalTemperature, 6);
        // Past Wolff's calibration, so its per-sweep size list has reached its final length.
        for (int i = 0; i < Wolff.CalibrationSweeps + 10; i++) sampler.Sweep();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) sampler.Sweep();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
