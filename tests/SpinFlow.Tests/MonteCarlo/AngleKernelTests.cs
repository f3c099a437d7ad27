using System.Runtime.Intrinsics.X86;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;

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
}
