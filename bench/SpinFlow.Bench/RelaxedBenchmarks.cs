using BenchmarkDotNet.Attributes;
using SpinFlow.Hmc;
using SpinFlow.Numerics;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Bench;

/// <summary>
/// Relaxed-model energy + gradient for a batch (the flows' training-loop call). FLOP convention for
/// docs/BENCHMARKS.md: 5 N log₂N per configuration (one complex 2-D FFT per configuration, pairs packed).
/// </summary>
[MemoryDiagnoser]
public class RelaxedEnergyBenchmarks
{
    private RelaxedIsing _model = null!;
    private double[] _x = null!, _energy = null!, _gradient = null!;
    private float[] _xf = null!, _gradientF = null!;

    /// <summary>Lattice size L.</summary>
    [Params(32, 128)] public int Size { get; set; }

    /// <summary>Threads of the batched call.</summary>
    [Params(1, 2)] public int Threads { get; set; }

    /// <summary>Configurations per call.</summary>
    [Params(64)] public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _model = new RelaxedIsing(Size, SpinFlow.Exact.Onsager.CriticalTemperature, maxDegreeOfParallelism: Threads);
        int n = Size * Size;
        _x = new double[Batch * n];
        new Xoshiro256(1).FillGaussian(_x);
        _energy = new double[Batch];
        _gradient = new double[Batch * n];
        _xf = _x.Select(v => (float)v).ToArray();
        _gradientF = new float[Batch * n];
    }

    /// <summary>Double precision.</summary>
    [Benchmark(Baseline = true)]
    public void EnergyAndGradient() => _model.EnergyAndGradient(_x, _energy, _gradient);

    /// <summary>Float32 in and out, double energies.</summary>
    [Benchmark]
    public void EnergyAndGradientFloat() => _model.EnergyAndGradient(_xf, _energy, _gradientF);
}

/// <summary>The 2-D FFT alone: one forward + inverse pass with a pointwise multiplier (two real fields packed).</summary>
public class FourierTransform2DBenchmarks
{
    private FourierTransform2D _fft = null!;
    private double[] _re = null!, _im = null!, _multiplier = null!;

    /// <summary>Lattice size L.</summary>
    [Params(32, 128, 256)] public int Size { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _fft = new FourierTransform2D(Size);
        int n = Size * Size;
        _re = new double[n];
        _im = new double[n];
        var rng = new Xoshiro256(2);
        rng.FillGaussian(_re);
        rng.FillGaussian(_im);
        _multiplier = Enumerable.Repeat(1.0, n).ToArray();
    }

    /// <summary>Forward, multiply, inverse.</summary>
    [Benchmark]
    public void ApplyCirculant() => _fft.ApplyCirculant(_re, _im, _multiplier);
}

/// <summary>
/// HMC on the relaxed model with 64 chains: one trajectory of 10 leapfrog steps (momentum refresh and
/// accept/reject included); leapfrog steps per second = 10 / time.
/// </summary>
public class RelaxedHmcBenchmarks
{
    private NaiveHmcSampler _sampler = null!;

    /// <summary>Lattice size L.</summary>
    [Params(16, 32, 128)] public int Size { get; set; }

    /// <summary>Threads.</summary>
    [Params(2)] public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var model = new RelaxedIsing(Size, SpinFlow.Exact.Onsager.CriticalTemperature, maxDegreeOfParallelism: Threads);
        _sampler = new NaiveHmcSampler(model, 64, new HmcOptions { LeapfrogSteps = 10, StepSize = 0.3, TuneStepSize = false, MaxDegreeOfParallelism = Threads }, 1);
        _sampler.Thermalize(2);
    }

    /// <summary>One trajectory of every chain.</summary>
    [Benchmark]
    public void Trajectory() => _sampler.Step();
}
