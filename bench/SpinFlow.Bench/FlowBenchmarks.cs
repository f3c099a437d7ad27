using BenchmarkDotNet.Attributes;
using SpinFlow.Flows;
using SpinFlow.Randomness;
using SpinFlow.Training;

namespace SpinFlow.Bench;

/// <summary>
/// Full reverse-KL training steps (taped generation, energy, backward, Adam) for the paper's flows, batch 64.
/// The energy is the relaxed Ising model at T_c (FlowBenchmark.DefaultEnergy); `spinflow bench flow` reports the per-phase breakdown of the same step.
/// </summary>
[MemoryDiagnoser]
public class FlowTrainingBenchmarks
{
    private ReverseKlTrainer _trainer = null!;
    private float[] _z = [];

    /// <summary>Architecture and lattice size: "nnrg-32", "superres-32" (Flow_16) or "superres-128" (Flow_64).</summary>
    [Params("nnrg-32", "superres-32", "superres-128")]
    public string Case { get; set; } = "nnrg-32";

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Samples per step.</summary>
    public const int Batch = 64;

    [GlobalSetup]
    public void Setup()
    {
        var (arch, size) = Parse(Case);
        var flow = Flow.Create(arch, size, 1);
        flow.Threads = Threads;
        _trainer = new ReverseKlTrainer(flow, FlowBenchmark.DefaultEnergy(size), new Adam(flow.ParameterCount), Batch);
        _z = new float[Batch * size * size];
        new Xoshiro256(2).FillGaussian(_z);
    }

    [Benchmark]
    public double TrainingStep() => _trainer.Step(_z).Loss;

    internal static (FlowArchitecture, int) Parse(string c)
    {
        string[] parts = c.Split('-');
        FlowArchitecture arch = parts[0] == "nnrg" ? NnrgFlowOptions.Default : SuperResolutionFlowOptions.Default;
        return (arch, int.Parse(parts[1]));
    }
}

/// <summary>Generation only (sampling, no tape, no gradients) of the super-resolution flow at 32, 64 and 128, batch 64.</summary>
[MemoryDiagnoser]
public class FlowGenerationBenchmarks
{
    private Flow _flow = null!;
    private float[] _z = [], _x = [];
    private double[] _logDet = [];

    /// <summary>Architecture and lattice size.</summary>
    [Params("superres-32", "superres-64", "superres-128", "nnrg-32", "nnrg-64", "nnrg-128")]
    public string Case { get; set; } = "superres-32";

    /// <summary>Worker threads.</summary>
    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    /// <summary>Samples per call.</summary>
    public const int Batch = 64;

    [GlobalSetup]
    public void Setup()
    {
        var (arch, size) = FlowTrainingBenchmarks.Parse(Case);
        _flow = Flow.Create(arch, size, 1);
        _flow.Threads = Threads;
        _z = new float[Batch * size * size];
        _x = new float[_z.Length];
        _logDet = new double[Batch];
        new Xoshiro256(2).FillGaussian(_z);
    }

    [Benchmark]
    public void Generate() => _flow.Generate(_z, _x, _logDet);
}
