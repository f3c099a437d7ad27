using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

public class RelaxedAngleModelTests
{
    // ln w(x) and E[s | x] straight from the definitions: the clock sum term by term, the XY integral by quadrature.
    private static double ReferenceLnWeight(SpinModel model, double x1, double x2, out double m1, out double m2)
    {
        if (model is ClockModel c)
        {
            double z = 0, a = 0, b = 0;
            for (int k = 0; k < c.States; k++)
            {
                double phi = 2 * Math.PI * k / c.States;
                double p = Math.Exp(x1 * Math.Cos(phi) + x2 * Math.Sin(phi));
                z += p;
                a += p * Math.Cos(phi);
                b += p * Math.Sin(phi);
            }
            (m1, m2) = (a / z, b / z);
            return Math.Log(z);
        }
        double r = Math.Sqrt(x1 * x1 + x2 * x2);
        double i0 = BesselMathTests.ScaledBesselByQuadrature(0, r), i1 = BesselMathTests.ScaledBesselByQuadrature(1, r);
        m1 = r == 0 ? 0 : i1 / i0 * x1 / r;
        m2 = r == 0 ? 0 : i1 / i0 * x2 / r;
        return r + Math.Log(i0);
    }

    public static TheoryData<string, int, double> Models => new()
    {
        { "xy", 4, 0.9 },
        { "xy", 2, 1.5 },
        { "clock:4", 4, 1.1 },
        { "clock:6", 8, 0.8 },
        { "clock:3", 2, 2.0 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void EnergyAndGradientMatchDenseReference(string name, int l, double t)
    {
        var spin = SpinModel.Parse(name);
        var model = new RelaxedAngleModel(spin, l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        int n = l * l, count = 3;
        var x = RelaxedIsingTests.RandomConfigurations(count, 2 * n, 2.5, 41);
        x[0] = 0; x[1] = 0; // |x| = 0 at one site
        var energy = new double[count];
        var gradient = new double[count * 2 * n];
        model.EnergyAndGradient(x, energy, gradient);
        for (int b = 0; b < count; b++)
        {
            var xb = x.AsSpan(b * 2 * n, 2 * n);
            double e = 0;
            var g = new double[2 * n];
            for (int a = 0; a < 2; a++)
            {
                var plane = new double[n];
                for (int i = 0; i < n; i++) plane[i] = xb[2 * i + a];
                var y = dense.InverseCoupling * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(plane);
                for (int i = 0; i < n; i++)
                {
                    e += 0.5 * plane[i] * y[i];
                    g[2 * i + a] = y[i];
                }
            }
            for (int i = 0; i < n; i++)
            {
                e -= ReferenceLnWeight(spin, xb[2 * i], xb[2 * i + 1], out double m1, out double m2);
                g[2 * i] -= m1;
                g[2 * i + 1] -= m2;
            }
            Assert.Equal(e, energy[b], 1e-10 * Math.Max(1, Math.Abs(e)));
            for (int i = 0; i < 2 * n; i++) Assert.Equal(g[i], gradient[b * 2 * n + i], 1e-11);
            Assert.Equal(energy[b], model.Energy(xb), 1e-12 * Math.Max(1, Math.Abs(e)));
        }
    }

    [Theory]
    [InlineData("xy")]
    [InlineData("clock:5")]
    public void GradientMatchesFiniteDifferences(string name)
    {
        var model = new RelaxedAngleModel(SpinModel.Parse(name), 4, 1.0);
        var x = RelaxedIsingTests.RandomConfigurations(1, model.Dimension, 1.5, 7);
        var gradient = new double[x.Length];
        model.EnergyAndGradient(x, new double[1], gradient);
        double h = 1e-5;
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (model.Energy(plus) - model.Energy(minus)) / (2 * h);
            Assert.Equal(fd, gradient[i], 1e-6);
        }
    }

    [Fact]
    public void Float32OverloadAgreesWithDouble()
    {
        var model = new RelaxedAngleModel(SpinModel.Xy, 4, 1.0);
        var x = RelaxedIsingTests.RandomConfigurations(2, model.Dimension, 1.5, 8);
        var xf = x.Select(v => (float)v).ToArray();
        var (e, g) = (new double[2], new double[x.Length]);
        model.EnergyAndGradient(xf.Select(v => (double)v).ToArray(), e, g);
        var (ef, gf) = (new double[2], new float[x.Length]);
        model.EnergyAndGradient(xf, ef, gf);
        Assert.Equal(e, ef);
        for (int i = 0; i < g.Length; i++) Assert.Equal((float)g[i], gf[i]);
    }

    // Clock:4 with s = ½(σ + τ, σ − τ) is two Ising models at 2T; in x the rotation u, v = (x₁ ± x₂)/√2 and y = u/√2 map E
    // onto two relaxed Ising energies at 2T with shift c/2: E₄(x) = E_I(y) + E_I(y′) − N ln 4.
    [Fact]
    public void ClockFourEnergyIsTwoRelaxedIsingEnergiesAtTwiceTheTemperature()
    {
        int l = 4, n = l * l;
        double t = 1.1;
        var model = new RelaxedAngleModel(SpinModel.Clock(4), l, t);
        var ising = new RelaxedIsing(l, 2 * t, model.Shift / 2);
        var x = RelaxedIsingTests.RandomConfigurations(1, 2 * n, 2.0, 3);
        var (y, yp) = (new double[n], new double[n]);
        for (int i = 0; i < n; i++)
        {
            y[i] = (x[2 * i] + x[2 * i + 1]) / 2;
            yp[i] = (x[2 * i] - x[2 * i + 1]) / 2;
        }
        double expected = ising.Energy(y) + ising.Energy(yp) - n * Math.Log(4);
        Assert.Equal(expected, model.Energy(x), 1e-11 * Math.Abs(expected));
    }

    // The same map for the normaliser: dx = 2^N dy dy′, so ln Z_x⁽⁴⁾(T, c) = 2 ln Z_x^Ising(2T, c/2) + 3N ln 2, with ln Z
    // of clock:4 from its exact solution and that of the relaxed Ising model from Kaufman's.
    [Theory]
    [InlineData(0.8)]
    [InlineData(1.2)]
    [InlineData(2.5)]
    public void LnNormalizerOfClockFourIsExact(double t)
    {
        int l = 4, n = l * l;
        var model = new RelaxedAngleModel(SpinModel.Clock(4), l, t);
        double lnZx = model.LnNormalizer(ClockExact.Compute(SpinModel.Clock(4), l, t).LnZPerSite * n);
        var ising = new RelaxedIsing(l, 2 * t, model.Shift / 2);
        double expected = 2 * ising.LnNormalizer(KaufmanSolution.Compute(l, 2 * t).LnZ) + 3 * n * Math.Log(2);
        Assert.Equal(expected, lnZx, 1e-10 * Math.Abs(expected));
    }

    [Fact]
    public void IsingAndBadBatchesAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new RelaxedAngleModel(SpinModel.Ising, 4, 1.0));
        var model = new RelaxedAngleModel(SpinModel.Xy, 4, 1.0);
        Assert.Throws<ArgumentException>(() => model.Energy(new double[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RelaxedAngleModel(SpinModel.Xy, 6, 1.0));
    }
}
