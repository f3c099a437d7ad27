using SpinFlow.Exact;
using SpinFlow.Hmc;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Relaxation;

public class RelaxedAngleSamplerTests
{
    [Fact]
    public void XGivenSpinsHasMeanKsAndCovarianceK()
    {
        int l = 4, n = l * l, m = 20000;
        double t = 1.0;
        var model = new RelaxedAngleModel(SpinModel.Xy, l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        var rng = new Xoshiro256(3);
        var one = new double[2 * n];
        for (int i = 0; i < n; i++)
        {
            double th = 2 * Math.PI * rng.NextDouble();
            (one[2 * i], one[2 * i + 1]) = (Math.Cos(th), Math.Sin(th));
        }
        var spins = new double[m * 2 * n];
        for (int b = 0; b < m; b++) one.CopyTo(spins, b * 2 * n);
        var x = new double[spins.Length];
        model.SampleGivenSpins(spins, x, [new Xoshiro256(4)]);

        double Mean(int k) { double s = 0; for (int b = 0; b < m; b++) s += x[b * 2 * n + k]; return s / m; }
        double Cov(int k, int j)
        {
            double mk = Mean(k), mj = Mean(j), s = 0;
            for (int b = 0; b < m; b++) s += (x[b * 2 * n + k] - mk) * (x[b * 2 * n + j] - mj);
            return s / (m - 1);
        }
        double c = model.Shift;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 2; a++)
            {
                double expected = 0;
                for (int j = 0; j < n; j++) expected += dense.Coupling[i, j] * one[2 * j + a];
                Assert.Equal(expected, Mean(2 * i + a), 5 * Math.Sqrt(c / m));
            }
        // Var x_ia = K'_ii = c; Cov(x_i, x_right) = 1/T within a component; the two components are independent.
        double varError = 5 * Math.Sqrt(2.0 / m) * c, covError = 5 * Math.Sqrt((c * c + 1) / m);
        Assert.Equal(c, Cov(0, 0), varError);
        Assert.Equal(c, Cov(1, 1), varError);
        Assert.Equal(1 / t, Cov(0, 2), covError);
        Assert.Equal(1 / t, Cov(1, 3), covError);
        Assert.Equal(0, Cov(0, 1), covError);
        Assert.Equal(0, Cov(0, 3), covError);
    }

    [Fact]
    public void XyAnglesGivenXAreVonMises()
    {
        // Four sites (L = 2) with |x| = 0, 0.3, 2, 30 in different directions.
        var model = new RelaxedAngleModel(SpinModel.Xy, 2, 1.0);
        double[] r = [0, 0.3, 2, 30], phi = [0, 1.0, -2.5, 3.0];
        var one = new double[8];
        for (int i = 0; i < 4; i++) (one[2 * i], one[2 * i + 1]) = (r[i] * Math.Cos(phi[i]), r[i] * Math.Sin(phi[i]));
        int m = 40000;
        var x = new double[m * 8];
        for (int b = 0; b < m; b++) one.CopyTo(x, b * 8);
        var angles = new double[m * 4];
        model.SampleAngles(x, angles, new Xoshiro256(9));
        Assert.All(angles, a => Assert.InRange(a, 0, 2 * Math.PI));
        for (int i = 0; i < 4; i++)
        {
            double i0 = BesselMathTests.ScaledBesselByQuadrature(0, r[i]);
            double rho1 = BesselMathTests.ScaledBesselByQuadrature(1, r[i]) / i0, rho2 = BesselMathTests.ScaledBesselByQuadrature(2, r[i]) / i0;
            double c1 = 0, s1 = 0, c2 = 0;
            for (int b = 0; b < m; b++)
            {
                double d = angles[b * 4 + i] - phi[i];
                c1 += Math.Cos(d);
                s1 += Math.Sin(d);
                c2 += Math.Cos(2 * d);
            }
            // Each average is of values in [−1, 1]: its error is at most 1/√m.
            double tol = 5 / Math.Sqrt(m);
            Assert.Equal(rho1, c1 / m, tol);
            Assert.Equal(0, s1 / m, tol);
            Assert.Equal(rho2, c2 / m, tol);
        }
    }

    [Fact]
    public void ClockStatesGivenXFollowTheBoltzmannWeights()
    {
        int q = 5;
        var model = new RelaxedAngleModel(SpinModel.Clock(q), 2, 1.0);
        double[] one = [0, 0, 0.7, -0.4, 3, 1, -40, 5];
        int m = 40000;
        var x = new double[m * 8];
        for (int b = 0; b < m; b++) one.CopyTo(x, b * 8);
        var angles = new double[m * 4];
        model.SampleAngles(x, angles, new Xoshiro256(10));
        for (int i = 0; i < 4; i++)
        {
            var p = Enumerable.Range(0, q).Select(k => Math.Exp(one[2 * i] * Math.Cos(2 * Math.PI * k / q) + one[2 * i + 1] * Math.Sin(2 * Math.PI * k / q))).ToArray();
            double z = p.Sum();
            var counts = new int[q];
            for (int b = 0; b < m; b++) counts[(int)Math.Round(angles[b * 4 + i] * q / (2 * Math.PI)) % q]++;
            for (int k = 0; k < q; k++)
            {
                double pk = p[k] / z;
                Assert.Equal(pk, (double)counts[k] / m, 5 * Math.Sqrt(pk * (1 - pk) / m) + 1e-12);
            }
        }
    }

    [Theory]
    [InlineData("xy")]
    [InlineData("clock:3")]
    public void ImprovedEstimatorsAreConditionalMeansOfSampledSpins(string name)
    {
        int l = 4, n = l * l, m = 20000;
        var model = new RelaxedAngleModel(SpinModel.Parse(name), l, 1.0);
        var x = RelaxedIsingTests.RandomConfigurations(1, 2 * n, 1.2, 12);
        var mean = new double[2 * n];
        model.MeanSpins(x, mean);
        var (e, m2) = RelaxedAngleEstimators.Improved(mean, l);
        var rng = new Xoshiro256(13);
        var buffers = new DrawBuffers(n);
        double se = 0, se2 = 0, sm = 0, sm2 = 0;
        for (int k = 0; k < m; k++)
        {
            var a = buffers.Draw(model, x, rng);
            double mm = a.Mx * a.Mx + a.My * a.My;
            (se, se2, sm, sm2) = (se + a.Energy, se2 + a.Energy * a.Energy, sm + mm, sm2 + mm * mm);
        }
        double Err(double s, double s2) => 5 * Math.Sqrt((s2 / m - s / m * (s / m)) / m);
        Assert.Equal(se / m, e, Err(se, se2));
        Assert.Equal(sm / m, m2, Err(sm, sm2));
    }

    // e² of a measurement is E[e | x]² + ½(e₁ − e₂)² of two draws: its mean over draws is E[e² | x] of the drawn spins,
    // and where ⟨e | x⟩ is large it scatters far less than one draw's e², which keeps c = N Var(e)/T² out of the noise.
    [Theory]
    [InlineData("xy")]
    [InlineData("clock:6")]
    public void EnergySquareEstimateIsUnbiasedAndQuieterThanOneDraw(string name)
    {
        int l = 4, n = l * l, m = 20000;
        var model = new RelaxedAngleModel(SpinModel.Parse(name), l, 1.0);
        // Aligned fields, as in an ordered phase: ⟨e | x⟩ is far from zero, where one draw's e² scatters most.
        var x = RelaxedIsingTests.RandomConfigurations(1, 2 * n, 0.5, 14);
        for (int i = 0; i < n; i++) x[2 * i] += 1.5;
        var rng = new Xoshiro256(15);
        var (buffers, scratch) = (new DrawBuffers(n), new double[3 * n]);
        double drawn = 0, drawn2 = 0, est = 0, est2 = 0;
        for (int k = 0; k < m; k++)
        {
            double e2 = Math.Pow(buffers.Draw(model, x, rng).Energy, 2);
            (drawn, drawn2) = (drawn + e2, drawn2 + e2 * e2);
            double r = RelaxedAngleEstimators.Measure(model, x, scratch, rng).Energy2;
            (est, est2) = (est + r, est2 + r * r);
        }
        double Var(double s, double s2) => s2 / m - s / m * (s / m);
        Assert.Equal(drawn / m, est / m, 5 * Math.Sqrt((Var(drawn, drawn2) + Var(est, est2)) / m));
        Assert.True(Var(est, est2) < 0.5 * Var(drawn, drawn2), $"spread {Var(est, est2):G3} against one draw's {Var(drawn, drawn2):G3}");
    }

    // s → x → s: Wolff on the angles, x | s, improved estimators on x, against the exact clock:4 solution (two Ising models at 2T).
    [Fact]
    public void ExactSamplerReproducesClockFourExactValues()
    {
        var options = new RelaxedOptions { Size = 4, Temperature = 1.0, Samples = 16000, Chains = 4, Thermalize = 100, Seed = 5 };
        var r = RelaxedAngleRun.Run(options, SpinModel.Clock(4));
        var exact = ClockExact.Reference(SpinModel.Clock(4), 4, 1.0);
        Assert.Equal(exact.Energy!.Value, r.Observables.Energy.Mean, 4 * r.Observables.Energy.Error);
        Assert.Equal(exact.M2!.Value, r.Observables.M2.Mean, 4 * r.Observables.M2.Error);
        Assert.Equal(exact.SpecificHeat!.Value, r.Observables.SpecificHeat.Mean, 4 * r.Observables.SpecificHeat.Error);
        Assert.True(r.Options.Thermalize >= 64); // Wolff's cluster calibration belongs to the burn-in
    }

    // Clock:3 on the 2×2 torus is enumerated exactly (3⁴ states): a clock model outside the Ising family.
    [Fact]
    public void ExactSamplerReproducesEnumeratedClockThree()
    {
        var options = new RelaxedOptions { Size = 2, Temperature = 0.8, Samples = 16000, Chains = 4, Thermalize = 100, Seed = 6 };
        var r = RelaxedAngleRun.Run(options, SpinModel.Clock(3));
        var exact = ClockExact.Reference(SpinModel.Clock(3), 2, 0.8);
        Assert.Equal(exact.Energy!.Value, r.Observables.Energy.Mean, 4 * r.Observables.Energy.Error);
        Assert.Equal(exact.M2!.Value, r.Observables.M2.Mean, 4 * r.Observables.M2.Error);
    }

    [Fact]
    public void NaiveHmcReproducesClockFourExactEnergy()
    {
        var options = new RelaxedOptions
        {
            Size = 4, Temperature = 1.5, Samples = 8000, Chains = 4, Thermalize = 300, Seed = 7, Sampler = RelaxedSamplerKind.NaiveHmc,
            Hmc = new HmcOptions { LeapfrogSteps = 10, StepSize = 0.1, TuneStepSize = true, TargetAcceptance = 0.8 },
        };
        var r = RelaxedAngleRun.Run(options, SpinModel.Clock(4));
        var exact = ClockExact.Reference(SpinModel.Clock(4), 4, 1.5);
        Assert.NotNull(r.Acceptance);
        Assert.Equal(exact.Energy!.Value, r.Observables.Energy.Mean, 4 * r.Observables.Energy.Error);
        Assert.Equal(exact.M2!.Value, r.Observables.M2.Mean, 4 * r.Observables.M2.Error);
    }

    [Fact]
    public void ResultsDoNotDependOnThreadCount()
    {
        var o = new RelaxedOptions { Size = 4, Temperature = 0.9, Samples = 64, Chains = 4, Thermalize = 70, Seed = 8 };
        var a = RelaxedAngleRun.Run(o with { Threads = 1 }, SpinModel.Xy);
        var b = RelaxedAngleRun.Run(o with { Threads = 3 }, SpinModel.Xy);
        Assert.Equal(a.Energy, b.Energy);
        Assert.Equal(a.M2, b.M2);
    }

    // One spin configuration drawn from s | x, measured (no vortices).
    private sealed class DrawBuffers(int sites)
    {
        private readonly double[] _angles = new double[sites], _cos = new double[sites], _sin = new double[sites];

        public AngleMeasurement Draw(RelaxedAngleModel model, double[] x, Xoshiro256 rng)
        {
            model.SampleAngles(x, _angles, rng);
            for (int i = 0; i < _angles.Length; i++) (_cos[i], _sin[i]) = (Math.Cos(_angles[i]), Math.Sin(_angles[i]));
            return AngleConfiguration.Measure(_cos, _sin, model.Size, 0);
        }
    }
}
