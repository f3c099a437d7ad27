using MathNet.Numerics.LinearAlgebra;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Training;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

/// <summary>Flows on fields of C = 2 channels per site (the relaxed clock and XY models), channel-minor.</summary>
public class MultiChannelFlowTests
{
    private static FlowArchitecture Arch(string kind, bool eq = false, int channels = 2) =>
        (kind == "nnrg" ? (FlowArchitecture)SmallNnrg(eq) : SmallSuperRes(eq)).WithChannels(channels);

    [Fact]
    public void ParameterCountsFollowTheFourCVectorLayout()
    {
        // Per net 4C·h + h + (n_mlp−1)(h²+h) + 4C·h + 4C, per coupling two nets and a (4C), by hand for C = 2:
        // superres h = 6, n_mlp = 1: 48 + 6 + 48 + 8 = 110 per net, 228 per coupling, 2280 per bijector, 32 bijectors.
        var sr = SuperResolutionFlowOptions.Default.WithChannels(2);
        Assert.Equal(228, sr.Bijector.ParametersPerCoupling);
        Assert.Equal(72_960, sr.ParameterCount(32));
        // nnrg h = 10, n_mlp = 3: 80 + 10 + 220 + 80 + 8 = 398 per net, 804 per coupling, 10 bijectors at 32×32.
        var nnrg = NnrgFlowOptions.Shaped(channels: 2);
        Assert.Equal(804, nnrg.Bijector.ParametersPerCoupling);
        Assert.Equal(80_400, nnrg.ParameterCount(32));
        // Active (2C → h → 2C nets, 2C entries of a): 24 + 6 + 24 + 4 = 58 per net, 120 per coupling.
        Assert.Equal(32 * 10 * 120, 32 * RealNvpBijector.ActiveParameterCount(sr.Bijector));
        // C = 1 is today's layout.
        Assert.Equal(SuperResolutionFlowOptions.Default, SuperResolutionFlowOptions.Default.WithChannels(1));
        Assert.Equal(38_400, SuperResolutionFlowOptions.Default.ParameterCount(32));
        Assert.Equal(1, SuperResolutionFlowOptions.Default.Channels);
        Assert.Equal(2, SpinModel.Parse("xy").Components);
        Assert.Equal(2, SpinModel.Parse("clock:6").Components);
        Assert.Equal(1, SpinModel.Ising.Components);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RealNvpOptions(2, 2, 1, channels: 0));
    }

    [Theory]
    [InlineData("nnrg", 4, false, 2)]
    [InlineData("nnrg", 8, true, 2)]
    [InlineData("superres", 4, false, 2)]
    [InlineData("superres", 8, true, 2)]
    [InlineData("superres", 8, false, 1)]
    [InlineData("nnrg", 8, true, 1)]
    [InlineData("superres", 4, true, 3)]
    public void EnginesMatchTheNaiveDefinition(string kind, int size, bool eq, int channels)
    {
        var flow = RandomFlow(Arch(kind, eq, channels), size, 41);
        int n = size * size * channels, batch = 2;
        var zf = Gaussian(batch * n, 42);
        var xd = new double[batch * n];
        var ldd = new double[batch];
        flow.CreateEngine<double>().Generate(ToDouble(zf), xd, ldd);
        var xf = new float[batch * n];
        var ldf = new double[batch];
        flow.Generate(zf, xf, ldf);
        for (int b = 0; b < batch; b++)
        {
            var (x, ld) = NaiveRealNvp.Generate(flow, ToDouble(zf[(b * n)..((b + 1) * n)]));
            Assert.True(Math.Abs(ld) > 0.05, $"log-det {ld} too small to test");
            Assert.Equal(ld, ldd[b], 1e-10);
            Assert.True(Math.Abs(ld - ldf[b]) < 1e-5 * (1 + Math.Abs(ld)), $"float log-det {ldf[b]} vs {ld}");
            for (int i = 0; i < n; i++)
            {
                Assert.True(Math.Abs(x[i] - xd[b * n + i]) < 1e-11 * (1 + Math.Abs(x[i])), $"double x[{i}] {xd[b * n + i]} vs {x[i]}");
                Assert.True(Math.Abs(x[i] - xf[b * n + i]) < 2e-5 * (1 + Math.Abs(x[i])), $"float x[{i}] {xf[b * n + i]} vs {x[i]}");
            }
        }
    }

    [Fact]
    public void DeadParametersDoNotReachTheFlow()
    {
        var flow = RandomFlow(Arch("superres"), 8, 3);
        var o = flow.Architecture.Bijector;
        var active = new HashSet<int>(RealNvpBijector.PackedToFlat(o));
        Assert.Equal(RealNvpBijector.ActiveParameterCount(o), active.Count);
        var z = Gaussian(2 * 128, 4);
        var x = new float[z.Length];
        var ld = new double[2];
        flow.Generate(z, x, ld);
        var rng = new Xoshiro256(5);
        for (int i = 0; i < flow.ParameterCount; i++)
            if (!active.Contains(i % o.ParameterCount)) flow.Parameters[i] += (float)(rng.NextDouble() - 0.5);
        var x2 = new float[z.Length];
        var ld2 = new double[2];
        flow.Generate(z, x2, ld2);
        Assert.Equal(x, x2);
        Assert.Equal(ld, ld2);
    }

    [Theory]
    [InlineData("nnrg", 8, false)]
    [InlineData("nnrg", 16, true)]
    [InlineData("superres", 8, false)]
    [InlineData("superres", 16, true)]
    public void InferInvertsGenerate(string kind, int size, bool eq)
    {
        var flow = RandomFlow(Arch(kind, eq), size, 7);
        int batch = 3, n = size * size * 2;
        var z = Gaussian(batch * n, 11);
        var x = new float[batch * n];
        var back = new float[batch * n];
        var ldG = new double[batch];
        var ldI = new double[batch];
        flow.Generate(z, x, ldG);
        flow.Infer(x, back, ldI);
        Assert.True(z.Zip(x).Max(p => Math.Abs(p.First - p.Second)) > 0.1, "flow should be far from the identity");
        for (int i = 0; i < z.Length; i++) Assert.True(Math.Abs(z[i] - back[i]) < 2e-5 * (1 + Math.Abs(z[i])), $"value {i}: {z[i]} vs {back[i]}");
        for (int b = 0; b < batch; b++)
        {
            Assert.True(Math.Abs(ldG[b]) > 1e-3, "log-det should be non-trivial");
            Assert.True(Math.Abs(ldG[b] + ldI[b]) < 1e-4 * (1 + Math.Abs(ldG[b])), $"sample {b}: {ldG[b]} vs {ldI[b]}");
        }
    }

    [Theory]
    [InlineData("nnrg", false)]
    [InlineData("nnrg", true)]
    [InlineData("superres", false)]
    [InlineData("superres", true)]
    public void LogDetEqualsLnAbsDetOfFiniteDifferenceJacobianAt4x4(string kind, bool eq)
    {
        const int size = 4;
        var flow = RandomFlow(Arch(kind, eq), size, 21);
        var e = flow.CreateEngine<double>();
        int n = size * size * 2;
        var z = ToDouble(Gaussian(n, 3));
        var x = new double[n];
        var ld = new double[1];
        e.Generate(z, x, ld);
        const double h = 1e-5;
        var zs = new double[2 * n * n];
        for (int j = 0; j < n; j++)
        {
            z.CopyTo(zs, 2 * j * n);
            z.CopyTo(zs, (2 * j + 1) * n);
            zs[2 * j * n + j] += h;
            zs[(2 * j + 1) * n + j] -= h;
        }
        var xs = new double[zs.Length];
        e.Generate(zs, xs, new double[2 * n]);
        var jac = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                jac[i, j] = (xs[2 * j * n + i] - xs[(2 * j + 1) * n + i]) / (2 * h);
        double lnAbsDet = jac.LU().U.Diagonal().Sum(d => Math.Log(Math.Abs(d)));
        Assert.True(Math.Abs(ld[0]) > 0.05, $"log-det {ld[0]} too close to 0 for a meaningful test");
        Assert.Equal(lnAbsDet, ld[0], 1e-6);
        // The channels are coupled: some ∂x(site, c)/∂z(site', c') with c ≠ c' is far from 0.
        double cross = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++)
                if (i % 2 != j % 2) cross = Math.Max(cross, Math.Abs(jac[i, j]));
        Assert.True(cross > 0.05, $"largest cross-channel derivative {cross}");
    }

    [Theory]
    [InlineData("nnrg", 4, false)]
    [InlineData("nnrg", 8, true)]
    [InlineData("superres", 4, false)]
    [InlineData("superres", 8, true)]
    public void GradientsMatchCentralDifferencesInDouble(string kind, int size, bool eq)
    {
        var flow = RandomFlow(Arch(kind, eq), size, 33);
        var p = ToDouble(flow.Parameters);
        int n = size * size * 2, batch = 2;
        var z = ToDouble(Gaussian(batch * n, 8));
        var u = ToDouble(Gaussian(n, 77));
        const double v = 0.3;
        double[] kappa = [0.7, -0.3];
        // ℓ = Σ_b [Σ_i (u_i x_bi + ½ v x_bi²) + κ_b logDet_b].
        double Loss(double[] x, double[] ld)
        {
            double s = 0;
            for (int k = 0; k < x.Length; k++) s += u[k % n] * x[k] + 0.5 * v * x[k] * x[k];
            return s + kappa[0] * ld[0] + kappa[1] * ld[1];
        }
        var e = Flow.BuildEngine([(flow, 1, p, 0)], size, 1, 1);
        double Eval(double[] zz)
        {
            var x = new double[zz.Length];
            var ld = new double[batch];
            e.Generate(zz, x, ld);
            return Loss(x, ld);
        }
        var tape = Enumerable.Range(0, e.Layers.Count).Select(_ => new double[batch * n]).ToArray();
        var xOut = new double[batch * n];
        e.Generate(z, xOut, new double[batch], tape);
        var gx = xOut.Select((xv, k) => u[k % n] + v * xv).ToArray();
        var gz = new double[batch * n];
        var gp = new double[p.Length];
        e.Backward(tape, gx, kappa, gz, [gp], new double[batch * n]);

        const double h = 1e-5;
        var rng = new Xoshiro256(4);
        foreach (int k in Enumerable.Range(0, n).Concat(Enumerable.Range(0, 8).Select(_ => n + rng.NextInt(n))).Distinct())
        {
            var zp = (double[])z.Clone(); zp[k] += h;
            var zm = (double[])z.Clone(); zm[k] -= h;
            double fd = (Eval(zp) - Eval(zm)) / (2 * h);
            Assert.True(Math.Abs(fd - gz[k]) < 1e-6 * (1 + Math.Abs(fd)), $"∂ℓ/∂z[{k}]: backward {gz[k]}, central difference {fd}");
        }
        var o = flow.Architecture.Bijector;
        var indices = Enumerable.Range(0, 200).Select(_ => rng.NextInt(p.Length))
            .Concat(Enumerable.Range(0, o.Couplings).SelectMany(j => Enumerable.Range(j * o.ParametersPerCoupling + 2 * o.ParametersPerNet, o.PlaquetteEntries)))
            .Distinct().ToArray();
        int nonZero = 0;
        foreach (int k in indices)
        {
            double saved = p[k];
            p[k] = saved + h; double fp = Eval(z);
            p[k] = saved - h; double fm = Eval(z);
            p[k] = saved;
            double fd = (fp - fm) / (2 * h);
            Assert.True(Math.Abs(fd - gp[k]) < 1e-6 * (1 + Math.Abs(fd)), $"∂ℓ/∂θ[{k}]: backward {gp[k]}, central difference {fd}");
            if (Math.Abs(fd) > 1e-3) nonZero++;
        }
        Assert.True(nonZero > indices.Length / 4, $"only {nonZero} of {indices.Length} sampled gradients are non-zero");
    }

    [Theory]
    [InlineData("nnrg", 8)]
    [InlineData("superres", 16)]
    public void Float32GradientsMatchTheDoubleEngine(string kind, int size)
    {
        var flow = RandomFlow(Arch(kind, eq: kind == "superres"), size, 5, scale: 0.3, aScale: 0.3);
        var e = flow.CreateEngine<double>();
        int n = size * size * 2, batch = 3;
        var zf = Gaussian(batch * n, 9);
        var gxf = Gaussian(batch * n, 10);
        double[] gld = [0.5, -1, 2];
        var tapeF = flow.CreateTape(batch);
        var xf = new float[batch * n];
        flow.Generate(zf, xf, new double[batch], tapeF);
        var gzf = new float[batch * n];
        var gpf = new float[flow.ParameterCount];
        flow.Backward(tapeF, gxf, gld, gzf, gpf);
        var tapeD = Enumerable.Range(0, e.Layers.Count).Select(_ => new double[batch * n]).ToArray();
        var xd = new double[batch * n];
        e.Generate(ToDouble(zf), xd, new double[batch], tapeD);
        var gzd = new double[batch * n];
        var gpd = new double[flow.ParameterCount];
        e.Backward(tapeD, ToDouble(gxf), gld, gzd, [gpd], new double[batch * n]);
        Assert.True(RelativeError(gzf, gzd) < 1e-4, $"input gradient relative error {RelativeError(gzf, gzd)}");
        Assert.True(RelativeError(gpf, gpd) < 1e-4, $"parameter gradient relative error {RelativeError(gpf, gpd)}");
    }

    private static double RelativeError(float[] f, double[] d)
    {
        double num = 0, den = 0;
        for (int i = 0; i < d.Length; i++) { num += (f[i] - d[i]) * (f[i] - d[i]); den += d[i] * d[i]; }
        return Math.Sqrt(num / den);
    }

    [Theory]
    [InlineData("nnrg", 8)]
    [InlineData("superres", 16)]
    public void EquivariantFlowIsExactlyOddUnderTheGlobalSignFlip(string kind, int size)
    {
        var flow = RandomFlow(Arch(kind, eq: true), size, 12);
        int batch = 3;
        var z = Gaussian(batch * size * size * 2, 13);
        var minusZ = z.Select(v => -v).ToArray();
        var x = new float[z.Length];
        var xm = new float[z.Length];
        var ld = new double[batch];
        var ldm = new double[batch];
        flow.Generate(z, x, ld);
        flow.Generate(minusZ, xm, ldm);
        Assert.Equal(x.Select(v => -v).ToArray(), xm);
        Assert.Equal(ld, ldm);
        var zi = new float[z.Length];
        var zim = new float[z.Length];
        flow.Infer(x, zi, ld);
        flow.Infer(xm, zim, ldm);
        Assert.Equal(zi.Select(v => -v).ToArray(), zim);
        Assert.Equal(ld, ldm);
        // Without the option the flow is not odd.
        var plain = RandomFlow(Arch(kind), size, 12);
        plain.Generate(z, x, ld);
        plain.Generate(minusZ, xm, ldm);
        Assert.NotEqual(x.Select(v => -v).ToArray(), xm);
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        var flow = RandomFlow(Arch("superres", eq: true), 16, 8);
        int batch = 6, n = 16 * 16 * 2;
        var z = Gaussian(batch * n, 1);
        var gx = Gaussian(batch * n, 2);
        var gld = Enumerable.Range(0, batch).Select(b => 0.1 * b - 1).ToArray();
        (float[], double[], float[], float[]) Run(int threads)
        {
            flow.Threads = threads;
            var x = new float[z.Length];
            var ld = new double[batch];
            var tape = flow.CreateTape(batch);
            flow.Generate(z, x, ld, tape);
            var gz = new float[z.Length];
            var gp = new float[flow.ParameterCount];
            flow.Backward(tape, gx, gld, gz, gp);
            return (x, ld, gz, gp);
        }
        var one = Run(1);
        var three = Run(3);
        Assert.Equal(one.Item1, three.Item1);
        Assert.Equal(one.Item2, three.Item2);
        Assert.Equal(one.Item3, three.Item3);
        Assert.Equal(one.Item4, three.Item4);
    }

    [Fact]
    public void StackActsOnTheSublatticeWithAllChannels()
    {
        var f4 = RandomFlow(Arch("superres"), 8, 1);
        var f8 = RandomFlow(Arch("superres"), 16, 2);
        var stack = new FlowStack([f4, f8]);
        Assert.Equal(2, stack.Channels);
        Assert.Equal(2, ((ILatticeFlow)stack).Channels);
        int batch = 2, big = 16 * 16 * 2, small = 8 * 8 * 2;
        var z = Gaussian(batch * big, 3);
        var x = new float[z.Length];
        var ld = new double[batch];
        stack.Generate(z, x, ld);
        // By hand: f4 on the stride-2 sublattice (both channels of each site), then f8 on everything.
        int Big(int b, int i, int j, int c) => b * big + ((2 * i) * 16 + 2 * j) * 2 + c;
        var z1 = new float[batch * small];
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) for (int c = 0; c < 2; c++)
            z1[b * small + (i * 8 + j) * 2 + c] = z[Big(b, i, j, c)];
        var x1 = new float[z1.Length];
        var ld1 = new double[batch];
        f4.Generate(z1, x1, ld1);
        var mid = (float[])z.Clone();
        for (int b = 0; b < batch; b++) for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) for (int c = 0; c < 2; c++)
            mid[Big(b, i, j, c)] = x1[b * small + (i * 8 + j) * 2 + c];
        var x2 = new float[z.Length];
        var ld2 = new double[batch];
        f8.Generate(mid, x2, ld2);
        Assert.Equal(x2, x);
        for (int b = 0; b < batch; b++) Assert.Equal(ld1[b] + ld2[b], ld[b], 1e-9);
        // Flows of different channel counts do not stack.
        var ising = RandomFlow(Arch("superres", channels: 1), 16, 2);
        Assert.Throws<ArgumentException>(() => new FlowStack([f4, ising]));
    }

    [Fact]
    public void LatentLayoutCarriesEveryChannelOfASite()
    {
        int l = 4, batch = 2, ch = 2;
        var xi = Gaussian(batch * l * l * ch, 1);
        var g = Gaussian(batch * 3 * l * l * ch, 2);
        var z = new float[batch * 4 * l * l * ch];
        SuperResolutionFlow.ComposeLatent(xi, g, z, l, ch);
        int Z(int b, int row, int col, int c) => ((b * 2 * l + row) * 2 * l + col) * ch + c;
        for (int b = 0; b < batch; b++)
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                    for (int c = 0; c < ch; c++)
                    {
                        int blk = b * l * l + i * l + j;
                        Assert.Equal(xi[blk * ch + c], z[Z(b, 2 * i, 2 * j, c)]);
                        Assert.Equal(g[(3 * blk) * ch + c], z[Z(b, 2 * i, 2 * j + 1, c)]);
                        Assert.Equal(g[(3 * blk + 1) * ch + c], z[Z(b, 2 * i + 1, 2 * j, c)]);
                        Assert.Equal(g[(3 * blk + 2) * ch + c], z[Z(b, 2 * i + 1, 2 * j + 1, c)]);
                    }
        var xi2 = new float[xi.Length];
        var g2 = new float[g.Length];
        SuperResolutionFlow.SplitLatent(z, xi2, g2, l, ch);
        Assert.Equal(xi, xi2);
        Assert.Equal(g, g2);
        Assert.Throws<ArgumentException>(() => SuperResolutionFlow.ComposeLatent(xi, g, z, l, 3));
        // The NNRG prior counts every channel.
        var ld = new double[batch];
        NnrgFlow.PriorLogDensity(z, 2 * l, ld, ch);
        int n = 4 * l * l * ch;
        double expected = -0.5 * n * Math.Log(2 * Math.PI) - 0.5 * z.Take(n).Sum(v => (double)v * v);
        Assert.Equal(expected, ld[0], 1e-9);
    }

    [Fact]
    public void CheckpointsRecordTheChannelsAndOneChannelFilesStayAsTheyWere()
    {
        string path = Path.Combine(Path.GetTempPath(), $"spinflow-ckpt-{Guid.NewGuid():N}.json");
        try
        {
            var flow = RandomFlow(Arch("superres", eq: true), 8, 4);
            Checkpoint.Capture(flow).Save(path);
            Assert.Contains("\"channels\": 2", File.ReadAllText(path));
            var ck = Checkpoint.Load(path);
            Assert.Equal(2, ck.Architecture.Channels);
            var restored = ck.CreateFlow();
            Assert.Equal(flow.Architecture, restored.Architecture);
            var z = Gaussian(2 * 128, 6);
            var x1 = new float[z.Length]; var x2 = new float[z.Length];
            flow.Generate(z, x1, new double[2]);
            restored.Generate(z, x2, new double[2]);
            Assert.Equal(x1, x2);
            // A one-channel flow (same shape otherwise) refuses these parameters, and the model check names both counts.
            var ising = Flow.Create(Arch("superres", eq: true, channels: 1), 8, 1);
            Assert.Throws<InvalidDataException>(() => ck.LoadInto(ising));
            var e = Assert.Throws<InvalidDataException>(() => ck.Architecture.RequireChannels(SpinModel.Ising.Components, "--model ising"));
            Assert.Contains("2 channels", e.Message);
            Assert.Contains("--model ising", e.Message);
            ck.Architecture.RequireChannels(SpinModel.Xy.Components, "--model xy");
            // One channel: no field is written (the file is today's), and it reads back as C = 1.
            Checkpoint.Capture(ising).Save(path);
            Assert.DoesNotContain("channels", File.ReadAllText(path));
            Assert.Equal(1, Checkpoint.Load(path).Architecture.Channels);
            Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path).Architecture.RequireChannels(2, "--model xy"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void TrainingStepsRunOnTwoChannelsAndLowerTheLoss()
    {
        // Each channel an independent Gaussian field: the quadratic energy's gradient against central differences first.
        var energy = new QuadraticLatticeEnergy(4, 1.0, 0.2, channels: 2);
        var xs = ToDouble(Gaussian(2 * 32, 3)).Select(v => (float)v).ToArray();
        var en = new double[2];
        var grad = new float[xs.Length];
        energy.EnergyAndGradient(xs, en, grad);
        for (int k = 0; k < xs.Length; k += 5)
        {
            var xp = (float[])xs.Clone(); xp[k] += 1e-2f;
            var xm = (float[])xs.Clone(); xm[k] -= 1e-2f;
            var ep = new double[2]; var em = new double[2];
            energy.EnergyAndGradient(xp, ep, new float[xs.Length]);
            energy.EnergyAndGradient(xm, em, new float[xs.Length]);
            double fd = (ep[k / 32] - em[k / 32]) / ((double)xp[k] - xm[k]);
            Assert.True(Math.Abs(fd - grad[k]) < 1e-3 * (1 + Math.Abs(fd)), $"∂E/∂x[{k}] {grad[k]} vs {fd}");
        }
        // An NNRG flow learns the two-channel Gaussian; with the prior's ln p_z the loss estimates KL − ln Z ≥ −ln Z.
        int size = 8, batch = 64, n = size * size * 2;
        var flow = Flow.Create(Arch("nnrg"), size, 1);
        Assert.Throws<ArgumentException>(() => new ReverseKlTrainer(flow, new QuadraticLatticeEnergy(size, 1.0, 0.2), new Adam(flow.ParameterCount), batch));
        var trainer = new ReverseKlTrainer(flow, new QuadraticLatticeEnergy(size, 1.0, 0.2, channels: 2), new Adam(flow.ParameterCount, new AdamOptions(3e-3)), batch);
        var rng = new Xoshiro256(2);
        var z = new float[batch * n];
        var prior = new double[batch];
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            rng.FillGaussian(z);
            NnrgFlow.PriorLogDensity(z, size, prior, channels: 2);
            var r = trainer.Step(z, prior);
            if (step < 5) first += r.Loss / 5;
            if (step >= 55) last += r.Loss / 5;
        }
        // ln Z of one channel from the eigenvalues m − 2J(cos k₁ + cos k₂) of the quadratic form, twice.
        double lnZ1 = 0.5 * size * size * Math.Log(2 * Math.PI);
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                lnZ1 -= 0.5 * Math.Log(1.0 - 0.2 * (2 * Math.Cos(2 * Math.PI * i / size) + 2 * Math.Cos(2 * Math.PI * j / size)));
        Assert.True(last < first - 0.5, $"loss did not decrease: {first} → {last}");
        Assert.True(last > -2 * lnZ1 - 0.5, $"loss {last} below the exact bound {-2 * lnZ1}");
    }
}
