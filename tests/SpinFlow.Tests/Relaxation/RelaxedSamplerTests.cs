using SpinFlow.Exact;
using SpinFlow.Hmc;
using SpinFlow.Relaxation;
using static SpinFlow.Tests.Relaxation.RelaxedExactnessTests;

namespace SpinFlow.Tests.Relaxation;

public class RelaxedSamplerTests
{
    private const double Tc = 2.269185314213022;

    [Theory]
    [InlineData(Tc)]
    [InlineData(3.0)]
    public void NaiveHmcReproducesExactAveragesAtL4(double t)
    {
        var options = new RelaxedOptions
        {
            Size = 4, Temperature = t, Sampler = RelaxedSamplerKind.NaiveHmc, Samples = 64_000, Chains = 32,
            Thermalize = 300, Seed = 11, Hmc = new HmcOptions { LeapfrogSteps = 10, StepSize = 0.2 },
        };
        var r = RelaxedRun.Run(options);
        var exact = IsingEnumeration.Compute(4, t);
        AssertWithin(r.Observables.Energy, exact.Energy, "⟨e⟩");
        AssertWithin(r.Observables.M2, exact.M2, "⟨m²⟩");
        AssertWithin(r.Observables.SpecificHeat, exact.SpecificHeat, "c");
        Assert.NotNull(r.Acceptance);
        Assert.InRange(r.Acceptance!.Value.MeanAcceptanceProbability, 0.6, 0.95);
        Assert.NotNull(r.StepSize);
    }

    [Theory]
    [InlineData(Tc)]
    [InlineData(1.9)]
    public void ExactSamplerPipelineReproducesExactAveragesAtL4(double t)
    {
        // The exact sampler's x | s stage and measurement, driven by an independent heat-bath spin chain.
        var options = new RelaxedOptions { Size = 4, Temperature = t, Samples = 64_000, Chains = 16, Thermalize = 100, Seed = 5 };
        var model = new RelaxedIsing(4, t);
        var sampler = new ExactRelaxedSampler(model, options.Chains, options.Seed, (_, seed) => new HeatBathSampler(4, t, seed));
        var r = RelaxedRun.Run(options, model, sampler);
        var exact = IsingEnumeration.Compute(4, t);
        AssertWithin(r.Observables.Energy, exact.Energy, "⟨e⟩");
        AssertWithin(r.Observables.M2, exact.M2, "⟨m²⟩");
        AssertWithin(r.Observables.AbsM, exact.AbsM, "⟨|m|⟩");
        AssertWithin(r.Observables.SpecificHeat, exact.SpecificHeat, "c");
        AssertWithin(r.Observables.Binder, exact.Binder, "U₄");
        Assert.Null(r.Acceptance);
        Assert.Null(r.StepSize);
    }

    [Fact]
    public void ExactSamplerAgreesWithSwendsenWangAtL16AtTc()
    {
        var relaxed = RelaxedRun.Run(new RelaxedOptions { Size = 16, Temperature = Tc, Samples = 40_000, Chains = 8, Thermalize = 200, Seed = 21 });
        var spins = SpinFlow.MonteCarlo.MarkovChainRun.Run(new SpinFlow.MonteCarlo.McmcOptions(16, Tc,
            SpinFlow.MonteCarlo.SpinAlgorithm.SwendsenWang, 40_000, 500, 1, 22));
        var a = relaxed.Observables.M2;
        var b = spins.Observables.M2;
        double sigma = Math.Sqrt(a.Error * a.Error + b.Error * b.Error);
        Assert.True(Math.Abs(a.Mean - b.Mean) < 4 * sigma, $"⟨m²⟩: relaxed {a} vs Swendsen–Wang {b}");
        AssertWithin(relaxed.Observables.Energy, KaufmanSolution.Compute(16, Tc).Energy, "⟨e⟩");
        AssertWithin(relaxed.Observables.SpecificHeat, KaufmanSolution.Compute(16, Tc).SpecificHeat, "c");
        // Cluster updates keep the relaxed chain decorrelating within a few sweeps even at T_c.
        Assert.InRange(relaxed.Observables.M2.Tau, 0.5, 10);
    }

    [Fact]
    public void NaiveHmcReproducesExactEnergyAtL16FarFromTc()
    {
        var options = new RelaxedOptions
        {
            Size = 16, Temperature = 3.0, Sampler = RelaxedSamplerKind.NaiveHmc, Samples = 16_000, Chains = 16,
            Thermalize = 200, Seed = 12, Hmc = new HmcOptions { LeapfrogSteps = 10, StepSize = 0.2 },
        };
        var r = RelaxedRun.Run(options);
        var exact = KaufmanSolution.Compute(16, 3.0);
        AssertWithin(r.Observables.Energy, exact.Energy, "⟨e⟩");
        AssertWithin(r.Observables.SpecificHeat, exact.SpecificHeat, "c");
    }
}

/// <summary>Plain sequential heat-bath sampler: a spin chain independent of the production samplers.</summary>
internal sealed class HeatBathSampler : SpinFlow.MonteCarlo.ISpinSampler
{
    private readonly sbyte[] _spins;
    private readonly SpinFlow.Randomness.Xoshiro256 _rng;
    private readonly SpinFlow.Lattice.SquareLattice _lattice;

    public HeatBathSampler(int size, double temperature, ulong seed)
    {
        Size = size;
        Temperature = temperature;
        _lattice = new SpinFlow.Lattice.SquareLattice(size);
        _rng = new SpinFlow.Randomness.Xoshiro256(seed);
        _spins = new sbyte[size * size];
        SpinFlow.Lattice.SpinConfiguration.Randomize(_spins, _rng);
    }

    public int Size { get; }
    public double Temperature { get; }
    public ReadOnlySpan<sbyte> Spins => _spins;
    public long SpinUpdates { get; private set; }

    public void Sweep()
    {
        for (int i = 0; i < _spins.Length; i++)
        {
            int h = _spins[_lattice.Right(i)] + _spins[_lattice.Left(i)] + _spins[_lattice.Down(i)] + _spins[_lattice.Up(i)];
            double pUp = 1 / (1 + Math.Exp(-2.0 * h / Temperature));
            _spins[i] = _rng.NextDouble() < pUp ? (sbyte)1 : (sbyte)-1;
        }
        SpinUpdates += _spins.Length;
    }
}
