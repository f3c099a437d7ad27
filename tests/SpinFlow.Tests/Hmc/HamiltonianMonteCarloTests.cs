using SpinFlow.Hmc;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Hmc;

public class HamiltonianMonteCarloTests
{
    private const double Tc = 2.269185314213022;

    /// <summary>U = Σ x_i² / (2σ_i²): independent Gaussians with known variances.</summary>
    private sealed class GaussianTarget(double[] sigma) : IDifferentiableTarget
    {
        public int Dimension => sigma.Length;

        public void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient)
        {
            int d = Dimension;
            for (int b = 0; b < energy.Length; b++)
            {
                double u = 0;
                for (int i = 0; i < d; i++)
                {
                    double v = x[b * d + i], s2 = sigma[i] * sigma[i];
                    u += 0.5 * v * v / s2;
                    gradient[b * d + i] = v / s2;
                }
                energy[b] = u;
            }
        }
    }

    private static double[] Random(int length, double scale, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var v = new double[length];
        for (int i = 0; i < length; i++) v[i] = scale * rng.NextGaussian();
        return v;
    }

    /// <summary>∇U_s(u) = s ⊙ ∇U(s ⊙ u) against central differences of U_s, and the coordinate maps are inverse.</summary>
    [Fact]
    public void ScaledTargetGradientMatchesFiniteDifferences()
    {
        var model = new RelaxedIsing(4, Tc);
        var scaled = new ScaledTarget(model);
        int chains = 2, d = model.Sites;
        var scale = Random(d, 1.0, 11).Select(v => 0.2 + Math.Abs(v)).ToArray();
        scaled.SetScale(scale);
        var u = Random(chains * d, 1.0, 12);
        var energy = new double[chains];
        var gradient = new double[chains * d];
        scaled.EnergyAndGradient(u, energy, gradient);
        const double h = 1e-5;
        var plus = new double[chains];
        var minus = new double[chains];
        for (int i = 0; i < chains * d; i += 5)
        {
            var up = (double[])u.Clone();
            var um = (double[])u.Clone();
            up[i] += h;
            um[i] -= h;
            scaled.EnergyAndGradient(up, plus, Span<double>.Empty);
            scaled.EnergyAndGradient(um, minus, Span<double>.Empty);
            Assert.Equal((plus[i / d] - minus[i / d]) / (2 * h), gradient[i], 1e-6);
        }
        var x = new double[u.Length];
        var back = new double[u.Length];
        scaled.ToOriginal(u, x);
        scaled.ToScaled(x, back);
        for (int i = 0; i < u.Length; i++) Assert.Equal(u[i], back[i], 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => scaled.SetScale(new double[d]));
    }

    /// <summary>
    /// HMC on u with x = s ⊙ u samples the same x for any fixed scales: Gaussians with widths 0.05…3 give the right ⟨x_i²⟩
    /// with s = σ (the ideal mass) and with s deliberately wrong.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ScaledTargetSamplesTheSameDistribution(bool idealScales)
    {
        var sigma = new[] { 0.05, 0.3, 1.0, 3.0 };
        var scaled = new ScaledTarget(new GaussianTarget(sigma));
        scaled.SetScale(idealScales ? sigma : [1.0, 0.5, 2.0, 0.7]);
        int chains = 16, d = sigma.Length, steps = 3000;
        var hmc = new HamiltonianMonteCarlo(scaled, chains, new HmcOptions { LeapfrogSteps = 6, StepSize = 0.2, StepSizeJitter = 0.2 }, 7);
        hmc.SetPositions(new double[chains * d]);
        hmc.WarmUp(300);
        var x = new double[chains * d];
        var series = Enumerable.Range(0, d).Select(_ => new double[steps]).ToArray();
        for (int t = 0; t < steps; t++)
        {
            hmc.Trajectory();
            scaled.ToOriginal(hmc.Positions, x);
            for (int i = 0; i < d; i++)
            {
                double sum = 0;
                for (int c = 0; c < chains; c++) sum += x[c * d + i] * x[c * d + i];
                series[i][t] = sum / chains;
            }
        }
        for (int i = 0; i < d; i++)
        {
            var est = SpinFlow.Statistics.TimeSeries.Analyze(series[i]);
            Assert.True(Math.Abs(est.DeviationSigma(sigma[i] * sigma[i])) < 4, $"⟨x_{i}²⟩ = {est} vs {sigma[i] * sigma[i]}");
        }
    }

    [Fact]
    public void LeapfrogIsReversible()
    {
        var model = new RelaxedIsing(8, Tc);
        int chains = 4, d = model.Sites;
        var x = Random(chains * d, 1.5, 1);
        var p = Random(chains * d, 1.0, 2);
        var (x0, p0) = ((double[])x.Clone(), (double[])p.Clone());
        var energy = new double[chains];
        var gradient = new double[chains * d];
        model.EnergyAndGradient(x, energy, gradient);
        var u0 = (double[])energy.Clone();
        HamiltonianMonteCarlo.Leapfrog(model, x, p, energy, gradient, 25, 0.1);
        Assert.True(x.Zip(x0).Max(t => Math.Abs(t.First - t.Second)) > 0.1, "the trajectory should move");
        for (int i = 0; i < p.Length; i++) p[i] = -p[i];
        HamiltonianMonteCarlo.Leapfrog(model, x, p, energy, gradient, 25, 0.1);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x0[i], x[i], 1e-10);
            Assert.Equal(p0[i], -p[i], 1e-10);
        }
        for (int c = 0; c < chains; c++) Assert.Equal(u0[c], energy[c], 1e-9 * Math.Abs(u0[c]));
    }

    [Fact]
    public void EnergyErrorScalesAsStepSizeSquared()
    {
        // Fixed trajectory length τ = nε: the leapfrog energy error is O(ε²), so halving ε quarters it.
        var model = new RelaxedIsing(8, Tc);
        int chains = 8, d = model.Sites;
        var xStart = Random(chains * d, 1.5, 3);
        var pStart = Random(chains * d, 1.0, 4);
        double MeanAbsDeltaH(double eps)
        {
            int steps = (int)Math.Round(1.0 / eps);
            var x = (double[])xStart.Clone();
            var p = (double[])pStart.Clone();
            var energy = new double[chains];
            var gradient = new double[chains * d];
            model.EnergyAndGradient(x, energy, gradient);
            var h0 = new double[chains];
            for (int c = 0; c < chains; c++) h0[c] = energy[c] + 0.5 * p.AsSpan(c * d, d).ToArray().Sum(v => v * v);
            HamiltonianMonteCarlo.Leapfrog(model, x, p, energy, gradient, steps, eps);
            double sum = 0;
            for (int c = 0; c < chains; c++) sum += Math.Abs(energy[c] + 0.5 * p.AsSpan(c * d, d).ToArray().Sum(v => v * v) - h0[c]);
            return sum / chains;
        }
        double e1 = MeanAbsDeltaH(0.1), e2 = MeanAbsDeltaH(0.05), e3 = MeanAbsDeltaH(0.025);
        Assert.InRange(e1 / e2, 3.5, 4.5);
        Assert.InRange(e2 / e3, 3.8, 4.2);
    }

    [Fact]
    public void SamplesAGaussianAndTunesTowardTheTargetAcceptance()
    {
        var sigma = new[] { 0.3, 1.0, 2.0, 0.7 };
        var target = new GaussianTarget(sigma);
        int chains = 16, d = sigma.Length;
        var options = new HmcOptions { LeapfrogSteps = 8, StepSize = 1.0, TargetAcceptance = 0.75, StepSizeJitter = 0.2 };
        var hmc = new HamiltonianMonteCarlo(target, chains, options, 5);
        hmc.SetPositions(new double[chains * d]);
        hmc.WarmUp(500);
        Assert.False(hmc.IsAdapting);
        int steps = 4000;
        var series = Enumerable.Range(0, d).Select(_ => new double[chains * steps]).ToArray();
        for (int t = 0; t < steps; t++)
        {
            hmc.Trajectory();
            for (int c = 0; c < chains; c++)
                for (int i = 0; i < d; i++)
                {
                    double v = hmc.Positions[c * d + i];
                    series[i][c * steps + t] = v * v;
                }
        }
        Assert.InRange(hmc.Statistics.MeanAcceptanceProbability, 0.65, 0.85);
        Assert.Equal(steps, hmc.Statistics.Trajectories);
        Assert.Equal((long)steps * chains, hmc.Statistics.Proposals);
        for (int i = 0; i < d; i++)
        {
            var est = SpinFlow.Statistics.TimeSeries.Analyze(series[i]);
            Assert.True(Math.Abs(est.Mean - sigma[i] * sigma[i]) < 4 * est.Error,
                $"⟨x_{i}²⟩ = {est.Mean} ± {est.Error}, expected {sigma[i] * sigma[i]}");
        }
    }

    [Fact]
    public void FixedStepSizeIsNotTuned()
    {
        var target = new GaussianTarget([1.0, 1.0]);
        var hmc = new HamiltonianMonteCarlo(target, 2, new HmcOptions { StepSize = 0.37, TuneStepSize = false }, 1);
        hmc.SetPositions(new double[4]);
        hmc.WarmUp(50);
        Assert.Equal(0.37, hmc.StepSize);
    }

    [Fact]
    public void RunsAreReproducibleAndIndependentOfThreads()
    {
        double[] Run(int threads)
        {
            // Large enough that the FFT batch, the kick-drift passes and the momentum draws are all split over threads.
            var model = new RelaxedIsing(128, Tc, maxDegreeOfParallelism: threads);
            var sampler = new NaiveHmcSampler(model, 17, new HmcOptions { LeapfrogSteps = 3, MaxDegreeOfParallelism = threads }, 9);
            sampler.Thermalize(3);
            sampler.Step();
            return sampler.Configurations.ToArray();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var target = new GaussianTarget([1.0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HamiltonianMonteCarlo(target, 1, new HmcOptions { LeapfrogSteps = 0 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HamiltonianMonteCarlo(target, 1, new HmcOptions { StepSize = -1 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HamiltonianMonteCarlo(target, 1, new HmcOptions { TargetAcceptance = 1 }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HamiltonianMonteCarlo(target, 0, new HmcOptions(), 1));
        var hmc = new HamiltonianMonteCarlo(target, 1, new HmcOptions(), 1);
        Assert.Throws<InvalidOperationException>(() => hmc.Trajectory());
        Assert.Throws<ArgumentException>(() => hmc.SetPositions(new double[2]));
    }
}
