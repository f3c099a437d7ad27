using SpinFlow.Hmc;
using SpinFlow.Randomness;

namespace SpinFlow.Tests.Hmc;

public class ScaledTargetTests
{
    /// <summary>U = ½ xᵀ A x on an m×m torus with A = a − b Δ (Δ the lattice Laplacian): a Gaussian whose modes have variance 1/(a + b λ(q)).</summary>
    private sealed class LatticeGaussian(int m, double a, double b) : IDifferentiableTarget
    {
        public int Dimension => m * m;

        public void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient)
        {
            int d = Dimension;
            for (int batch = 0; batch < energy.Length; batch++)
            {
                var row = x.Slice(batch * d, d);
                double u = 0;
                for (int r = 0; r < m; r++)
                    for (int c = 0; c < m; c++)
                    {
                        int i = r * m + c;
                        double lap = row[(r + 1) % m * m + c] + row[(r + m - 1) % m * m + c] + row[r * m + (c + 1) % m] + row[r * m + (c + m - 1) % m] - 4 * row[i];
                        double g = a * row[i] - b * lap;
                        u += 0.5 * row[i] * g;
                        if (!gradient.IsEmpty) gradient[batch * d + i] = g;
                    }
                energy[batch] = u;
            }
        }
    }

    /// <summary>λ(q) = 4 − 2 cos q_y − 2 cos q_x, computed from |k| ≤ m/2 so that q and −q give the same bits.</summary>
    private static double Lambda(int m, int ky, int kx)
    {
        ky = Math.Min(ky, m - ky);
        kx = Math.Min(kx, m - kx);
        return 4 - 2 * Math.Cos(2 * Math.PI * ky / m) - 2 * Math.Cos(2 * Math.PI * kx / m);
    }

    /// <summary>A target with diagonal scales on some coordinates and two Fourier grids (4×4 and 2×2) on the rest.</summary>
    private static ScaledTarget Mixed(out int dimension)
    {
        dimension = 16 + 4 + 3;
        var target = new ScaledTarget(new Padded(dimension));
        var scale = new double[dimension];
        for (int i = 0; i < dimension; i++) scale[i] = 0.5 + 0.1 * i;
        target.SetScale(scale);
        // A 4×4 grid on 0…15 in a scrambled order, a 2×2 one on 19, 17, 20, 16; 18, 21 and 22 keep their diagonal scale.
        int[] big = [.. Enumerable.Range(0, 16).Select(i => (i * 7 + 3) % 16)];
        var m4 = new double[16];
        for (int ky = 0; ky < 4; ky++)
            for (int kx = 0; kx < 4; kx++) m4[ky * 4 + kx] = 1 / Math.Sqrt(0.3 + Lambda(4, ky, kx));
        target.SetFourierScales([new FourierScale(big, 4, m4), new FourierScale([19, 17, 20, 16], 2, [2.0, 0.7, 0.7, 0.25])]);
        return target;
    }

    /// <summary>A target of any dimension whose potential is ½|x|² (only the linear map matters here).</summary>
    private sealed class Padded(int d) : IDifferentiableTarget
    {
        public int Dimension => d;

        public void EnergyAndGradient(ReadOnlySpan<double> x, Span<double> energy, Span<double> gradient)
        {
            for (int b = 0; b < energy.Length; b++)
            {
                double u = 0;
                for (int i = 0; i < d; i++)
                {
                    u += 0.5 * x[b * d + i] * x[b * d + i];
                    if (!gradient.IsEmpty) gradient[b * d + i] = x[b * d + i];
                }
                energy[b] = u;
            }
        }
    }

    private static double[] Gaussian(int length, ulong seed)
    {
        var v = new double[length];
        new Xoshiro256(seed).FillGaussian(v);
        return v;
    }

    [Fact]
    public void TheMapIsInvertibleAndSymmetricAlsoInPlace()
    {
        var target = Mixed(out int d);
        var u = Gaussian(2 * d, 1);
        var w = Gaussian(2 * d, 2);
        var x = new double[2 * d];
        target.ToOriginal(u, x);
        var back = new double[2 * d];
        target.ToScaled(x, back);
        for (int i = 0; i < u.Length; i++) Assert.Equal(u[i], back[i], 12);
        // In place (the sampler maps its buffers onto themselves).
        var inPlace = (double[])u.Clone();
        target.ToOriginal(inPlace, inPlace);
        for (int i = 0; i < u.Length; i++) Assert.Equal(x[i], inPlace[i], 12);
        // wᵀ S u = uᵀ S w, row by row.
        var sw = new double[2 * d];
        target.ToOriginal(w, sw);
        for (int b = 0; b < 2; b++)
        {
            double left = 0, right = 0;
            for (int i = 0; i < d; i++)
            {
                left += w[b * d + i] * x[b * d + i];
                right += u[b * d + i] * sw[b * d + i];
            }
            Assert.Equal(left, right, 10);
        }
    }

    [Fact]
    public void AConstantMultiplierActsAsTheSameDiagonalScale()
    {
        var grid = Enumerable.Range(0, 16).ToArray();
        var fourier = new ScaledTarget(new LatticeGaussian(4, 1, 0.5));
        fourier.SetFourierScales([new FourierScale(grid, 4, Enumerable.Repeat(0.37, 16).ToArray())]);
        var u = Gaussian(16, 3);
        var x = new double[16];
        fourier.ToOriginal(u, x);
        for (int i = 0; i < 16; i++) Assert.Equal(0.37 * u[i], x[i], 12);
    }

    /// <summary>∇U_S against central differences of U_S along random directions, with a non-diagonal S.</summary>
    [Fact]
    public void TheGradientMatchesFiniteDifferences()
    {
        var target = new ScaledTarget(new LatticeGaussian(8, 0.4, 1.3));
        var multiplier = new double[64];
        for (int ky = 0; ky < 8; ky++)
            for (int kx = 0; kx < 8; kx++) multiplier[ky * 8 + kx] = 1 / Math.Sqrt(0.4 + 0.2 * Lambda(8, ky, kx) * Lambda(8, ky, kx));
        target.SetFourierScales([new FourierScale([.. Enumerable.Range(0, 64)], 8, multiplier)]);
        var u = Gaussian(64, 4);
        var gradient = new double[64];
        var energy = new double[1];
        target.EnergyAndGradient(u, energy, gradient);
        for (ulong k = 0; k < 5; k++)
        {
            var v = Gaussian(64, 10 + k);
            const double h = 1e-5;
            var plus = u.Zip(v, (a, b) => a + h * b).ToArray();
            var minus = u.Zip(v, (a, b) => a - h * b).ToArray();
            var ep = new double[1];
            var em = new double[1];
            target.EnergyAndGradient(plus, ep, []);
            target.EnergyAndGradient(minus, em, []);
            double numeric = (ep[0] - em[0]) / (2 * h), analytic = gradient.Zip(v, (a, b) => a * b).Sum();
            Assert.Equal(analytic, numeric, 6);
        }
    }

    /// <summary>
    /// HMC on u with z = S u samples the original Gaussian: the site variance (A⁻¹)_ii = mean over q of 1/(a + bλ(q)) (4σ),
    /// with S far from A^(−½) so that the map matters.
    /// </summary>
    [Fact]
    public void HmcWithAFourierMassSamplesTheOriginalDistribution()
    {
        const int m = 8;
        const double a = 0.2, b = 1.0;
        var target = new ScaledTarget(new LatticeGaussian(m, a, b));
        var multiplier = new double[m * m];
        for (int ky = 0; ky < m; ky++)
            for (int kx = 0; kx < m; kx++) multiplier[ky * m + kx] = ky == 0 && kx == 0 ? 1.5 : 1 / Math.Sqrt(1 + Lambda(m, ky, kx));
        target.SetFourierScales([new FourierScale([.. Enumerable.Range(0, m * m)], m, multiplier)]);
        double exact = 0;
        for (int ky = 0; ky < m; ky++)
            for (int kx = 0; kx < m; kx++) exact += 1 / (a + b * Lambda(m, ky, kx)) / (m * m);
        const int chains = 16, steps = 3000;
        var hmc = new HamiltonianMonteCarlo(target, chains, new HmcOptions { LeapfrogSteps = 10, StepSize = 0.15, TuneStepSize = false }, 5);
        hmc.SetPositions(new double[chains * m * m]);
        for (int t = 0; t < 200; t++) hmc.Trajectory();
        var x = new double[chains * m * m];
        var series = new double[steps];
        for (int t = 0; t < steps; t++)
        {
            hmc.Trajectory();
            target.ToOriginal(hmc.Positions, x);
            series[t] = x.Sum(v => v * v) / x.Length;
        }
        var (mean, error) = BatchMean(series, 30);
        Assert.InRange(hmc.Statistics.AcceptanceRate, 0.5, 1.0);
        Assert.True(Math.Abs(mean - exact) < 4 * error, $"⟨x²⟩ = {mean} ± {error}, exact {exact}");
    }

    private static (double Mean, double Error) BatchMean(double[] series, int batches)
    {
        int size = series.Length / batches;
        var means = Enumerable.Range(0, batches).Select(k => series.Skip(k * size).Take(size).Average()).ToArray();
        double mean = means.Average();
        double variance = means.Sum(v => (v - mean) * (v - mean)) / (batches - 1);
        return (mean, Math.Sqrt(variance / batches));
    }

    [Fact]
    public void BadGridsAreRefused()
    {
        var target = new ScaledTarget(new LatticeGaussian(4, 1, 0));
        var grid = Enumerable.Range(0, 16).ToArray();
        var even = Enumerable.Repeat(1.0, 16).ToArray();
        var odd = (double[])even.Clone();
        odd[1] = 2; // q = (0, 1) but not (0, 3)
        Assert.Throws<ArgumentException>(() => target.SetFourierScales([new FourierScale(grid, 4, odd)]));
        Assert.Throws<ArgumentException>(() => target.SetFourierScales([new FourierScale(grid[..9], 3, even[..9])]));
        Assert.Throws<ArgumentException>(() => target.SetFourierScales([new FourierScale(grid[..4], 2, even[..4]), new FourierScale(grid[..4], 2, even[..4])]));
        var negative = (double[])even.Clone();
        negative[0] = -1;
        Assert.Throws<ArgumentOutOfRangeException>(() => target.SetFourierScales([new FourierScale(grid, 4, negative)]));
        target.SetFourierScales([new FourierScale(grid, 4, even)]);
    }
}
