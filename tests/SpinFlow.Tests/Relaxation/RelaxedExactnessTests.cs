using MathNet.Numerics.LinearAlgebra;
using SpinFlow.Exact;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.Tests.Relaxation;

/// <summary>The normaliser, the conditional samplers and the improved estimators against exact sums.</summary>
public class RelaxedExactnessTests
{
    private const double Tc = 2.269185314213022;

    private static double LogSumExp(IEnumerable<double> values)
    {
        var v = values.ToArray();
        double max = v.Max();
        return max + Math.Log(v.Sum(a => Math.Exp(a - max)));
    }

    private static sbyte[] SpinState(int k, int n)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++) s[i] = ((k >> i) & 1) == 1 ? (sbyte)1 : (sbyte)-1;
        return s;
    }

    [Theory]
    [InlineData(2, 1.5)]
    [InlineData(2, Tc)]
    [InlineData(4, Tc)]
    [InlineData(4, 3.2)]
    public void NormalizerEqualsGaussianIntegralsSummedOverSpinStates(int l, double t)
    {
        // Z_x = 2^{−N} Σ_s ∫ exp(−½xᵀK'⁻¹x + sᵀx) dx = 2^{−N} (2π)^{N/2} det(K')^{1/2} Σ_s exp(½ sᵀK's),
        // everything dense: independent of the FFT determinant, of the enumeration and of the closed form.
        int n = l * l;
        var model = new RelaxedIsing(l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        double lnSum = LogSumExp(Enumerable.Range(0, 1 << n).Select(k => 0.5 * dense.SpinQuadratic(SpinState(k, n))));
        double expected = -n * Math.Log(2) + n / 2.0 * Math.Log(2 * Math.PI) + 0.5 * dense.LogDeterminant + lnSum;
        double actual = model.LnNormalizer(IsingEnumeration.Compute(l, t).LnZ);
        Assert.Equal(expected, actual, 1e-10 * Math.Abs(expected));
    }

    [Theory]
    [InlineData(2, 1.5, 200_000)]
    [InlineData(2, Tc, 200_000)]
    [InlineData(4, 3.2, 200_000)]
    [InlineData(4, 6.0, 200_000)]
    public void NormalizerEqualsImportanceSampledIntegralOfTheEnergy(int l, double t, int samples)
    {
        // ∫ e^{−E(x)} dx by importance sampling from the Gaussian with the covariance of π_x, with E from the
        // FFT code: a direct numerical check of ln Z_x. (At L = 4 near T_c the bimodal π_x leaves too few
        // effective samples for a Gaussian proposal, hence the higher temperatures there.)
        int n = l * l;
        var model = new RelaxedIsing(l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        // Proposal covariance: Cov(x) = K' + K'⟨ssᵀ⟩K' exactly, with ⟨ssᵀ⟩ by enumeration.
        var corr = Matrix<double>.Build.Dense(n, n);
        double zs = 0;
        for (int k = 0; k < 1 << n; k++)
        {
            var st = SpinState(k, n);
            double wgt = Math.Exp(-SpinConfiguration.Hamiltonian(st, l) / t);
            zs += wgt;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) corr[i, j] += wgt * st[i] * st[j];
        }
        corr /= zs;
        var sigma = dense.Coupling + dense.Coupling * corr * dense.Coupling;
        var chol = sigma.Cholesky();
        var factor = chol.Factor;
        double lnNormQ = 0.5 * chol.DeterminantLn + n / 2.0 * Math.Log(2 * Math.PI);
        var rng = new Xoshiro256(31);
        const int batch = 4096;
        var x = new double[batch * n];
        var z = new double[batch * n];
        var energy = new double[batch];
        var lnW = new double[samples];
        var zv = Vector<double>.Build.Dense(n);
        for (int start = 0; start < samples; start += batch)
        {
            int m = Math.Min(batch, samples - start);
            rng.FillGaussian(z);
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < n; i++) zv[i] = z[b * n + i];
                var xv = factor * zv;
                for (int i = 0; i < n; i++) x[b * n + i] = xv[i];
            }
            model.Energy(x, energy);
            for (int b = 0; b < m; b++)
            {
                double zz = 0;
                for (int i = 0; i < n; i++) zz += z[b * n + i] * z[b * n + i];
                lnW[start + b] = -energy[b] + 0.5 * zz + lnNormQ;
            }
        }
        double shift = lnW.Max();
        var w = lnW.Select(v => Math.Exp(v - shift)).ToArray();
        double mean = w.Average();
        double sd = Math.Sqrt(w.Select(v => (v - mean) * (v - mean)).Sum() / (samples - 1));
        double err = sd / Math.Sqrt(samples) / mean; // error of ln Ẑ
        double ess = samples / (1 + sd * sd / (mean * mean));
        Assert.True(ess > samples / 50.0, $"importance sampling too poor to test (ESS {ess:F0})");
        double estimate = shift + Math.Log(mean);
        double exact = model.LnNormalizer(IsingEnumeration.Compute(l, t).LnZ);
        Assert.True(Math.Abs(estimate - exact) < 4 * err, $"ln Z_x: IS {estimate} ± {err}, exact {exact}");
    }

    [Fact]
    public void SpinsGivenXHaveTheStatedProbabilities()
    {
        var x = new double[] { -2.0, -0.3, 0.0, 0.7, 1.5, 20.0 };
        int draws = 200_000;
        var counts = new int[x.Length];
        var rng = new Xoshiro256(17);
        var s = new sbyte[x.Length];
        for (int k = 0; k < draws; k++)
        {
            RelaxedIsing.SampleSpins(x, s, rng);
            for (int i = 0; i < x.Length; i++) if (s[i] == 1) counts[i]++;
        }
        for (int i = 0; i < x.Length; i++)
        {
            double p = Math.Exp(x[i]) / (2 * Math.Cosh(x[i]));
            double se = Math.Sqrt(p * (1 - p) / draws);
            Assert.InRange((double)counts[i] / draws, p - 4 * se - 1e-12, p + 4 * se + 1e-12);
        }
    }

    [Fact]
    public void XGivenSpinsHasMeanKsAndCovarianceK()
    {
        int l = 4, n = l * l, draws = 40_000;
        double t = Tc;
        var model = new RelaxedIsing(l, t);
        var dense = new DenseRelaxedReference(l, t, model.Shift);
        var s1 = new sbyte[n];
        SpinConfiguration.Randomize(s1, new Xoshiro256(3));
        var spins = new sbyte[draws * n];
        for (int b = 0; b < draws; b++) s1.CopyTo(spins.AsSpan(b * n));
        var x = new double[draws * n];
        model.SampleGivenSpins(spins, x, [new Xoshiro256(4)]);
        var mean = dense.Coupling * Vector<double>.Build.DenseOfEnumerable(s1.Select(v => (double)v));
        var avg = new double[n];
        for (int b = 0; b < draws; b++)
            for (int i = 0; i < n; i++) avg[i] += x[b * n + i] / draws;
        for (int i = 0; i < n; i++)
        {
            double se = Math.Sqrt(dense.Coupling[i, i] / draws);
            Assert.True(Math.Abs(avg[i] - mean[i]) < 4 * se, $"mean of x_{i}: {avg[i]} vs {mean[i]} ± {se}");
        }
        for (int i = 0; i < n; i++)
            for (int j = i; j < n; j++)
            {
                double cov = 0;
                for (int b = 0; b < draws; b++) cov += (x[b * n + i] - mean[i]) * (x[b * n + j] - mean[j]);
                cov /= draws;
                double kij = dense.Coupling[i, j];
                double se = Math.Sqrt((dense.Coupling[i, i] * dense.Coupling[j, j] + kij * kij) / draws);
                Assert.True(Math.Abs(cov - kij) < 4 * se, $"cov(x_{i}, x_{j}) = {cov} vs K'_ij = {kij} ± {se}");
            }
    }

    [Fact]
    public void XGivenSpinsIsReproducibleWithPerConfigurationStreams()
    {
        int l = 64, n = l * l, count = 17;
        var spins = new sbyte[count * n];
        SpinConfiguration.Randomize(spins, new Xoshiro256(8));
        double[] Draw(int threads)
        {
            var model = new RelaxedIsing(l, Tc, maxDegreeOfParallelism: threads);
            var rngs = Enumerable.Range(0, count).Select(c => Xoshiro256.ForStream(9, (ulong)c)).ToArray();
            var x = new double[count * n];
            model.SampleGivenSpins(spins, x, rngs);
            return x;
        }
        Assert.Equal(Draw(1), Draw(2));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void ImprovedEstimatorsEqualExactConditionalSums(int l)
    {
        int n = l * l;
        var rng = new Xoshiro256(12);
        var scratch = new double[n];
        for (int trial = 0; trial < 3; trial++)
        {
            var x = new double[n];
            for (int i = 0; i < n; i++) x[i] = (trial == 2 ? 3 : 0.8) * rng.NextGaussian() + (trial == 1 ? 0.7 : 0);
            double e = 0, e2 = 0, m2 = 0, m4 = 0, am = 0;
            for (int k = 0; k < 1 << n; k++)
            {
                var s = SpinState(k, n);
                double p = 1;
                for (int i = 0; i < n; i++) p *= s[i] == 1 ? RelaxedMath.SpinUpProbability(x[i]) : 1 - RelaxedMath.SpinUpProbability(x[i]);
                var meas = SpinConfiguration.Measure(s, l);
                e += p * meas.Energy;
                e2 += p * meas.Energy * meas.Energy;
                m2 += p * meas.Magnetization * meas.Magnetization;
                m4 += p * Math.Pow(meas.Magnetization, 4);
                am += p * Math.Abs(meas.Magnetization);
            }
            var got = ImprovedEstimators.Measure(x, l, scratch, rng);
            Assert.Equal(e, got.Energy, 1e-12);
            Assert.Equal(e2, got.Energy2, 1e-12);
            Assert.Equal(m2, got.M2, 1e-12);
            Assert.Equal(m4, got.M4, 1e-12);
            // |m| is sampled: check its mean over repeated draws.
            int reps = 20_000;
            double sum = 0, sum2 = 0;
            for (int r = 0; r < reps; r++)
            {
                double v = ImprovedEstimators.Measure(x, l, scratch, rng).AbsM;
                sum += v;
                sum2 += v * v;
            }
            double mean = sum / reps, se = Math.Sqrt((sum2 / reps - mean * mean) / reps);
            Assert.True(Math.Abs(mean - am) < 4 * se + 1e-12, $"E|m|: {mean} ± {se} vs {am}");
        }
    }

    [Theory]
    [InlineData(Tc)]
    [InlineData(1.8)]
    [InlineData(3.0)]
    public void CompositeChainReproducesExactAverages(double t)
    {
        // Data augmentation s → x → s: the Gibbs sampler of the joint p(s, x), measured with the improved estimators.
        int l = 4, n = l * l, chains = 32, steps = 3000;
        var model = new RelaxedIsing(l, t);
        var rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(77, (ulong)c)).ToArray();
        var spins = new sbyte[chains * n];
        for (int c = 0; c < chains; c++) SpinConfiguration.Randomize(spins.AsSpan(c * n, n), rngs[c]);
        var x = new double[chains * n];
        var scratch = new double[n];
        int total = chains * steps;
        var (e, e2, m2, am, m4) = (new double[total], new double[total], new double[total], new double[total], new double[total]);
        for (int step = -100; step < steps; step++)
        {
            model.SampleGivenSpins(spins, x, rngs);
            for (int c = 0; c < chains; c++)
            {
                RelaxedIsing.SampleSpins(x.AsSpan(c * n, n), spins.AsSpan(c * n, n), rngs[c]);
                if (step < 0) continue;
                var m = ImprovedEstimators.Measure(x.AsSpan(c * n, n), l, scratch, rngs[c]);
                // Chain-major order: each chain's series is contiguous.
                int k = c * steps + step;
                (e[k], e2[k], m2[k], am[k], m4[k]) = (m.Energy, m.Energy2, m.M2, m.AbsM, m.M4);
            }
        }
        var obs = IsingObservables.FromMoments(e, e2, m2, am, m4, n, t);
        var exact = IsingEnumeration.Compute(l, t);
        AssertWithin(obs.Energy, exact.Energy, "⟨e⟩");
        AssertWithin(obs.M2, exact.M2, "⟨m²⟩");
        AssertWithin(obs.AbsM, exact.AbsM, "⟨|m|⟩");
        AssertWithin(obs.SpecificHeat, exact.SpecificHeat, "c");
        AssertWithin(obs.Binder, exact.Binder, "U₄");
    }

    internal static void AssertWithin(Estimate estimate, double exact, string name)
    {
        Assert.True(double.IsFinite(estimate.Error) && estimate.Error > 0, $"{name}: no error bar");
        Assert.True(Math.Abs(estimate.Mean - exact) < 4 * estimate.Error,
            $"{name}: {estimate.Mean} ± {estimate.Error} vs exact {exact} ({estimate.DeviationSigma(exact):F2}σ)");
    }
}
