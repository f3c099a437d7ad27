using BenchmarkDotNet.Attributes;
using SpinFlow.MonteCarlo;

namespace SpinFlow.Bench;

/// <summary>One sweep of each spin sampler at T_c (BenchmarkDotNet; slow, for careful comparisons).</summary>
[MemoryDiagnoser]
public class SamplerBenchmarks
{
    private ISpinSampler _sampler = null!;

    /// <summary>Lattice size.</summary>
    [Params(64, 256)]
    public int Size { get; set; }

    /// <summary>Algorithm under test.</summary>
    [Params(SpinAlgorithm.Metropolis, SpinAlgorithm.SwendsenWang, SpinAlgorithm.Wolff)]
    public SpinAlgorithm Algorithm { get; set; }

    /// <summary>Builds and equilibrates the sampler.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _sampler = SpinSamplers.Create(Algorithm, Size, SpinFlow.Exact.Onsager.CriticalTemperature, 1);
        for (int i = 0; i < 200; i++) _sampler.Sweep();
    }

    /// <summary>One sweep.</summary>
    [Benchmark]
    public void Sweep() => _sampler.Sweep();
}
