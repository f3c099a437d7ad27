using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Numerics;
using static SpinFlow.Tests.MonteCarlo.SamplerRuns;

namespace SpinFlow.Tests.MonteCarlo;

/// <summary>The vectorised checkerboard kernels of the clock and XY Metropolis samplers against their scalar counterparts.</summary>
public sealed class AngleKernelTests
{
    [Theory]
    [InlineData(2, 4, 2.5)]
    [InlineData(3, 6, 1.5)]
    [InlineData(6, 16, 0.9)]
    [InlineData(6, 22, 0.3)]
    [InlineData(8, 12, 1.0)]
    [InlineData(9, 12, 1.0)]
    [InlineData(64, 10, 1.0)]
    [InlineData(256, 8, 0.7)]
    public void ClockVectorKernelMakesTheScalarKernelsMoves(int q, int size, double t)
    {
        if (!Avx2.IsSupported) return; // nothing to compare: both samplers run the scalar kernel
        var vector = new ClockMetropolis(new ClockModel(q), size, t, 5);
        var scalar = new ClockMetropolis(new ClockModel(q), size, t, 5) { VectorKernel = false };
        for (int sweep = 0; sweep < 200; sweep++)
        {
            vector.Sweep();
            scalar.Sweep();
        }
        Assert.Equal(scalar.States.ToArray(), vector.States.ToArray());
        Assert.Equal(scalar.AcceptanceRate, vector.AcceptanceRate);
        Assert.InRange(vector.AcceptanceRate, 0.01, 0.99);
    }

    [Fact]
    public void ClockCloseCallsGoToTheScalarKernelAndAgreeWithIt()
    {
        if (!Avx2.IsSupported) return;
        // 64×64 for 2000 sweeps is about 10⁶ chunks: some tens have a lane within the float margin of w.
        var vector = new ClockMetropolis(new ClockModel(2), 64, 2.5, 9);
        var scalar = new ClockMetropolis(new ClockModel(2), 64, 2.5, 9) { VectorKernel = false };
        for (int sweep = 0; sweep < 2000; sweep++)
        {
            vector.Sweep();
            scalar.Sweep();
        }
        Assert.True(vector.DeferredChunks > 0, "no chunk was deferred: the close-call path went untested");
        Assert.Equal(scalar.States.ToArray(), vector.States.ToArray());
    }

    [Fact]
    public void SinCosOfTheHalfAngleIsAccurateAndExactlyOddAndEven()
    {
        for (int i = -4096; i <= 4096; i += 8)
        {
            float x0 = (float)(Math.PI / 2 * i / 4096);
            var x = Vector256.Create(x0, x0 * 0.999f, x0 * 0.5f, x0 * 0.25f, x0 * 0.1f, x0 * 1e-3f, x0 * 1e-6f, 0f);
            var (sin, cos) = VectorMath.SinCosHalfPi(x);
            var (sinNeg, cosNeg) = VectorMath.SinCosHalfPi(-x);
            for (int lane = 0; lane < 8; lane++)
            {
                Assert.InRange(sin[lane] - Math.Sin(x[lane]), -3e-7, 3e-7);
                Assert.InRange(cos[lane] - Math.Cos(x[lane]), -3e-7, 3e-7);
                // A symmetric proposal needs rotations by ±δ to be exact mirror images.
                Assert.Equal(-sin[lane], sinNeg[lane]);
                Assert.Equal(cos[lane], cosNeg[lane]);
            }
        }
    }

    [Fact]
    public void ExpOfMinusXIsAccurateWhereItCanDecideAMove()
    {
        for (int i = 0; i <= 40000; i++)
        {
            float x = i * 1e-3f;
            float e = VectorMath.ExpNonPositive(Vector256.Create(-x))[0];
            double exact = Math.Exp(-(double)x);
            // Beyond x ≈ 20.79 any value below the smallest uniform, 2⁻²⁵, rejects exactly as e^(−x) does.
            if (x <= 20.79f) Assert.InRange(e / exact - 1, -3e-7, 3e-7);
            else Assert.InRange(e, 0, 1e-9);
        }
    }

    [Fact]
    public void ClockFourOnTwentyByTwentyMatchesTheExactSolution()
    {
        // L/2 = 10 sites per sublattice row: one full chunk of eight and a partial one.
        var clock = AngleChainRun.Run(SpinModel.Clock(4), new McmcOptions(20, 1.2, SpinAlgorithm.Metropolis, 20000, 500, 1, 23)).Observables.Base;
        var exact = ClockExact.Compute(SpinModel.Clock(4), 20, 1.2);
        AssertWithin4Sigma("⟨e⟩", clock.Energy, exact.Energy);
        AssertWithin4Sigma("c", clock.SpecificHeat, exact.SpecificHeat);
        // ⟨m²⟩₄(T) = ⟨m²⟩ of one Ising model at 2T.
        AssertAgree("⟨m²⟩ vs Ising Wolff at 2T", clock.M2, Analyze(new Wolff(20, 2.4, 24), 200, 20000).M2);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.2)]
    public void XyMetropolisOnTwentyByTwentyAgreesWithXyWolff(double t)
    {
        var metropolis = AngleChainRun.Run(SpinModel.Xy, new McmcOptions(20, t, SpinAlgorithm.Metropolis, 20000, 500, 1, 45)).Observables;
        var wolff = AngleChainRun.Run(SpinModel.Xy, new McmcOptions(20, t, SpinAlgorithm.Wolff, 10000, 500, 1, 46)).Observables;
        AssertAgree("⟨e⟩", metropolis.Base.Energy, wolff.Base.Energy);
        AssertAgree("c", metropolis.Base.SpecificHeat, wolff.Base.SpecificHeat);
        AssertAgree("⟨m²⟩", metropolis.Base.M2, wolff.Base.M2);
        AssertAgree("Υ", metropolis.Helicity, wolff.Helicity);
    }
}
