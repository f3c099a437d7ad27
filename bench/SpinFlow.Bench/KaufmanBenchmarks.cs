using BenchmarkDotNet.Attributes;
using SpinFlow.Exact;

namespace SpinFlow.Bench;

/// <summary>Cost of one exact finite-size evaluation (ln Z, ⟨e⟩, c), which is O(L).</summary>
[MemoryDiagnoser]
public class KaufmanBenchmarks
{
    /// <summary>Linear lattice size.</summary>
    [Params(16, 64, 256, 1024)]
    public int Size { get; set; }

    /// <summary>One evaluation at T_c.</summary>
    [Benchmark]
    public double AtCriticalTemperature() => KaufmanSolution.Compute(Size, Onsager.CriticalTemperature).SpecificHeat;

    /// <summary>Inverting ⟨e⟩(T), as the temperature-rescaling step does.</summary>
    [Benchmark]
    public double TemperatureAtEnergy() => KaufmanSolution.TemperatureAtEnergy(Size, -1.2);
}
