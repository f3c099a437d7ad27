using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

public class RelaxedIsingTests
{
    private const double Tc = 2.269185314213022;

    internal static double[] RandomConfigurations(int count, int n, double scale, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var x = new double[count * n];
        for (int i = 0; i < x.Length; i++) x[i] = scale * rng.NextGaussian();
        return x;
    }

    [Theory]
    [InlineData(4, 2.0, 1)]
    [InlineData(4, Tc, 1)]
    [InlineData(8, Tc, 2)]
    [InlineData(8, 3.5, 2)]
    [InlineData(2, 1.5, 1)]
    public void EnergyAndGradientMatchDenseReference(int l, double t, int threads)
    {
        var model = new RelaxedIsing(l, t, maxDegreeOfParallelism: threads);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        int n = l * l, count = 5; // odd: the last configuration has no FFT partner
        var x = RandomConfigurations(count, n, 2.0, 21);
        var energy = new double[count];
        var gradient = new double[count * n];
        model.EnergyAndGradient(x, energy, gradient);
        for (int b = 0; b < count; b++)
        {
            double e = dense.Energy(x.AsSpan(b * n, n).ToArray(), out var g);
            Assert.Equal(e, energy[b], 1e-11 * Math.Max(1, Math.Abs(e)));
            for (int i = 0; i < n; i++) Assert.Equal(g[i], gradient[b * n + i], 1e-12);
        }
        var energyOnly = new double[count];
        model.Energy(x, energyOnly);
        Assert.Equal(energy, energyOnly);
        // Alone, the configuration shares its FFT with zeros instead of a partner: equal up to rounding.
        Assert.Equal(energy[2], model.Energy(x.AsSpan(2 * n, n)), 1e-12 * Math.Abs(energy[2]));
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        // Large enough for the batch to be split over threads.
        int l = 64, n = l * l, count = 17;
        var x = RandomConfigurations(count, n, 1.5, 5);
        var (e1, g1) = (new double[count], new double[count * n]);
        var (e2, g2) = (new double[count], new double[count * n]);
        new RelaxedIsing(l, Tc, maxDegreeOfParallelism: 1).EnergyAndGradient(x, e1, g1);
        new RelaxedIsing(l, Tc, maxDegreeOfParallelism: 3).EnergyAndGradient(x, e2, g2);
        Assert.Equal(e1, e2);
        Assert.Equal(g1, g2);
    }

    [Fact]
    public void SinglePrecisionOverloadAgreesWithDouble()
    {
        int l = 8, n = l * l, count = 3;
        var model = new RelaxedIsing(l, Tc);
        var xf = new float[count * n];
        var rng = new Xoshiro256(2);
        for (int i = 0; i < xf.Length; i++) xf[i] = (float)(2 * rng.NextGaussian());
        var xd = xf.Select(v => (double)v).ToArray();
        var (ed, gd) = (new double[count], new double[count * n]);
        var (ef, gf) = (new double[count], new float[count * n]);
        model.EnergyAndGradient(xd, ed, gd);
        model.EnergyAndGradient(xf, ef, gf);
        // The float path computes in double from the same float inputs: only the gradient is rounded.
        for (int b = 0; b < count; b++) Assert.Equal(ed[b], ef[b], 1e-12 * Math.Abs(ed[b]));
        for (int i = 0; i < gd.Length; i++) Assert.Equal((float)gd[i], gf[i]);
    }

    [Fact]
    public void GradientMatchesFiniteDifferences()
    {
        int l = 4, n = l * l;
        var model = new RelaxedIsing(l, 2.5);
        var x = RandomConfigurations(1, n, 1.5, 9);
        var energy = new double[1];
        var gradient = new double[n];
        model.EnergyAndGradient(x, energy, gradient);
        const double h = 1e-5;
        for (int i = 0; i < n; i++)
        {
            var xp = (double[])x.Clone();
            var xm = (double[])x.Clone();
            xp[i] += h;
            xm[i] -= h;
            double fd = (model.Energy(xp) - model.Energy(xm)) / (2 * h);
            Assert.Equal(gradient[i], fd, 1e-7);
        }
    }

    [Theory]
    [InlineData(2, 1.3)]
    [InlineData(4, Tc)]
    [InlineData(8, 3.0)]
    public void LogDeterminantMatchesDenseCholesky(int l, double t)
    {
        var model = new RelaxedIsing(l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        Assert.Equal(dense.LogDeterminant, model.LogDeterminant, 1e-10 * Math.Abs(dense.LogDeterminant) + 1e-12);
        Assert.Equal(0.1, model.MinEigenvalue, 1e-12);
    }

    [Fact]
    public void CouplingOperatorsAreConsistent()
    {
        int l = 8, n = l * l, count = 3;
        var model = new RelaxedIsing(l, 1.9, shift: 2.5);
        var dense = new DenseRelaxedReference(l, 1.9, 2.5);
        var x = RandomConfigurations(count, n, 1, 4);
        var kx = new double[x.Length];
        model.ApplyCoupling(x, kx);
        for (int b = 0; b < count; b++)
        {
            var expected = dense.Coupling * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(x.AsSpan(b * n, n).ToArray());
            for (int i = 0; i < n; i++) Assert.Equal(expected[i], kx[b * n + i], 1e-12);
        }
        var back = new double[x.Length];
        model.ApplyInverseCoupling(kx, back);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i], back[i], 1e-12);
        // (K'^{1/2})² = K', applied in place.
        var twice = (double[])x.Clone();
        model.ApplySqrtCoupling(twice, twice);
        model.ApplySqrtCoupling(twice, twice);
        for (int i = 0; i < x.Length; i++) Assert.Equal(kx[i], twice[i], 1e-12);
    }

    [Fact]
    public void LargeFieldsStayFinite()
    {
        Assert.Equal(1000 - Math.Log(2), RelaxedMath.LnCosh(1000), 1e-12);
        Assert.Equal(1000 - Math.Log(2), RelaxedMath.LnCosh(-1000), 1e-12);
        Assert.Equal(0.5e-20, RelaxedMath.LnCosh(1e-10), 1e-32);
        Assert.Equal(Math.Log(Math.Cosh(0.3)), RelaxedMath.LnCosh(0.3), 1e-15);
        Assert.Equal(Math.Log(Math.Cosh(3)), RelaxedMath.LnCosh(3), 1e-14);
        Assert.Equal(1.0, RelaxedMath.SpinUpProbability(800));
        Assert.Equal(0.0, RelaxedMath.SpinUpProbability(-800));
        int l = 4, n = l * l;
        var model = new RelaxedIsing(l, Tc);
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = (i % 2 == 0 ? 1 : -1) * 900.0;
        var e = new double[1];
        var g = new double[n];
        model.EnergyAndGradient(x, e, g);
        Assert.True(double.IsFinite(e[0]));
        var dense = new DenseRelaxedReference(l, Tc, model.Shift);
        double expected = dense.Energy(x, out var gRef);
        Assert.Equal(expected, e[0], 1e-9 * Math.Abs(expected));
        for (int i = 0; i < n; i++) Assert.Equal(gRef[i], g[i], 1e-9);
    }

    [Fact]
    public void BadInputIsRejectedClearly()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(6, Tc));
        Assert.Contains("power of two", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(1, Tc));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(8, double.NaN));
        // c = 4/T exactly leaves a zero eigenvalue.
        var s = Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(8, 2.0, shift: 2.0));
        Assert.Contains("positive definite", s.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedIsing(8, 2.0, shift: double.NaN));
        var model = new RelaxedIsing(4, Tc);
        Assert.Throws<ArgumentException>(() => model.Energy(new double[15], new double[1]));
        Assert.Throws<ArgumentException>(() => model.EnergyAndGradient(new double[32], new double[1], new double[32]));
        Assert.Throws<ArgumentException>(() => model.SampleGivenSpins(new sbyte[16], new double[16], [new Xoshiro256(1)]));
    }
}
