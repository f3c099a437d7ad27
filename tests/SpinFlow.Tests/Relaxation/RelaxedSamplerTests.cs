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
