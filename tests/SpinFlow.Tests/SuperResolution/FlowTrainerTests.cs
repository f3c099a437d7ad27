using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Latent;
using SpinFlow.SuperResolution;
using SpinFlow.Training;
using Xunit.Abstractions;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

public class FlowTrainerTests(ITestOutputHelper output)
{
    private const int InputSize = 4;

    /// <summary>ξ data set from the exact relaxed sampler on the L×L lattice (chains × rounds configurations).</summary>
    internal static float[] RelaxedDataSet(int size, double temperature, int chains, int rounds, ulong seed)
    {
        var sampler = new ExactRelaxedSampler(new RelaxedIsing(size, temperature), chains, seed);
        sampler.Thermalize(10);
        int n = size * size;
        var data = new float[chains * rounds * n];
        for (int r = 0; r < rounds; r++)
        {
            sampler.Step();
            var c = sampler.Configurations;
            for (int i = 0; i < chains * n; i++) data[r * chains * n + i] = (float)c[i];
        }
        return data;
    }

    private static Flow SmallFlow(ulong seed = 3) => SuperResolutionFlow.Create(InputSize, seed, SmallSuperRes());

    internal static SuperResolutionLatent DataSetLatent(float[] data, int count, int inputSize = InputSize) =>
        new(new DataSetDistribution(data, count, inputSize));

    [Fact]
    public void ShortRunLowersTheLossAndStaysAboveTheExactBound()
    {
        const double t = 2.6;
        const int batch = 64, steps = 80, window = 8;
        var data = RelaxedDataSet(InputSize, t, 32, 8, 11);
        var options = new FlowTrainerOptions(t, batch, gamma: 0, gammaSteps: 0, seed: 5, adam: new AdamOptions(1e-2));
        int count = data.Length / (InputSize * InputSize);
        var (entropy, entropyError) = FlowTrainer.LatentEntropyOf(data, count, new RelaxedIsing(InputSize, t));
        var trainer = new FlowTrainer(SmallFlow(), data, count, InputSize, options) { LatentEntropy = entropy };
        var r = trainer.Run(steps);

        Assert.Equal(steps, trainer.Step);
        Assert.Equal(steps, trainer.LossHistory.Count);
        double first = r.Take(window).Average(s => s.Objective), last = r.TakeLast(window).Average(s => s.Objective);
        // Standard error of a window mean: the per-step batch spread over √(window·batch).
        double seFirst = r.Take(window).Average(s => s.Spread) / Math.Sqrt(window * batch);
        double seLast = r.TakeLast(window).Average(s => s.Spread) / Math.Sqrt(window * batch);
        output.WriteLine($"objective first {first:F3} ± {seFirst:F3}, last {last:F3} ± {seLast:F3}, bound {trainer.Bound:F3} ({trainer.BoundPerSite:F4}/site)");
        Assert.True(first - last > 4 * Math.Sqrt(seFirst * seFirst + seLast * seLast),
            $"loss did not drop: first {first:F3} ± {seFirst:F3}, last {last:F3} ± {seLast:F3}");
        foreach (var s in r)
        {
            Assert.True(s.Objective > s.Bound - 4 * s.StandardError, $"step {s.Step}: objective {s.Objective:F3} ± {s.StandardError:F3} below the bound {s.Bound:F3}");
            // The tight form: KL(q‖π_x) ≥ 0, with the data-set estimate of H(ξ) as a second source of noise.
            double tolerance = 4 * Math.Sqrt(s.StandardError * s.StandardError + entropyError * entropyError);
            Assert.True(s.KlEstimate > -tolerance, $"step {s.Step}: KL estimate {s.KlEstimate:F3} below 0 by more than {tolerance:F3}");
        }
        output.WriteLine($"H(p_z) = {entropy:F3} ± {entropyError:F3}; KL estimate first {r[0].KlEstimate:F3}, last {r[^1].KlEstimate:F3}");
        Assert.True(r[^1].KlEstimate < r[0].KlEstimate);
        Assert.Equal(trainer.Bound / 64, trainer.BoundPerSite, 12);
    }

    /// <summary>
    /// The latent the samplers build (ξ from the data set with its model π_ξ, for the density) trains exactly as the
    /// data-set latent does, γ-term included: the trainer reads the flow's input from z, not from the latent's type.
    /// </summary>
    [Fact]
    public void TheSamplersLatentTrainsAsTheDataSetLatentDoes()
    {
        const double t = 2.6;
        var data = RelaxedDataSet(InputSize, t, 8, 2, 5);
        int count = data.Length / (InputSize * InputSize);
        var options = new FlowTrainerOptions(t, batch: 4, gamma: 200, gammaSteps: 3, seed: 2);
        var plain = new FlowTrainer(SmallFlow(), data, count, InputSize, options);
        var sampled = new FlowTrainer(SmallFlow(), new SuperResolutionLatent(new DataSetDistribution(data, count, InputSize, new RelaxedIsing(InputSize, t))), options);
        var a = plain.Run(3);
        var b = sampled.Run(3);
        Assert.Equal(InputSize, sampled.InputSize);
        Assert.All(b, s => Assert.True(double.IsFinite(s.MagnetizationIn) && s.Penalty > 0));
        Assert.Equal(a.Select(s => s.MagnetizationIn), b.Select(s => s.MagnetizationIn));
        Assert.Equal(a.Select(s => s.Loss), b.Select(s => s.Loss));
        Assert.Equal(plain.Flow.Parameters, sampled.Flow.Parameters);
    }

    [Fact]
    public void InterruptedAndResumedRunEqualsTheUninterruptedOneBitwise()
    {
        const double t = 2.4;
        const int steps = 8;
        var data = RelaxedDataSet(InputSize, 2.2, 8, 4, 21);
        int count = data.Length / (InputSize * InputSize);
        // γ switches off in the middle of the second half, so the schedule has to follow the resumed step count.
        var options = new FlowTrainerOptions(t, batch: 6, gamma: 200, gammaSteps: 6, seed: 9, adam: new AdamOptions(3e-3));

        // Different thread counts on purpose: the flow's reductions have a fixed order, so they must not change a bit.
        static Flow Threaded(Flow f, int threads)
        {
            f.Threads = threads;
            return f;
        }
        var whole = new FlowTrainer(Threaded(SmallFlow(), 2), data, count, InputSize, options);
        whole.Run(steps);

        string path = Path.Combine(Path.GetTempPath(), $"spinflow-resume-{Guid.NewGuid():N}.ckpt");
        try
        {
            var first = new FlowTrainer(Threaded(SmallFlow(), 1), data, count, InputSize, options) { InputTemperature = 2.2 };
            first.Run(steps / 2, path);
            var resumed = FlowTrainer.Resume(Checkpoint.Load(path), DataSetLatent(data, count), options);
            resumed.Flow.Threads = 3;
            Assert.Equal(steps / 2, resumed.Step);
            Assert.Equal(2.2, resumed.InputTemperature);
            resumed.Run(steps / 2, path);

            Assert.Equal(whole.Step, resumed.Step);
            Assert.Equal(whole.Flow.Parameters, resumed.Flow.Parameters);
            Assert.Equal(whole.Optimizer.FirstMoment.ToArray(), resumed.Optimizer.FirstMoment.ToArray());
            Assert.Equal(whole.Optimizer.SecondMoment.ToArray(), resumed.Optimizer.SecondMoment.ToArray());
            Assert.Equal(whole.LossHistory, resumed.LossHistory);

            var saved = Checkpoint.Load(path);
            Assert.Equal(steps, saved.Metadata.Step);
            Assert.Equal(whole.LossHistory, saved.Metadata.LossHistory);
            Assert.Equal(t, saved.Metadata.Temperatures["x"]);
            Assert.Equal(2.2, saved.Metadata.Temperatures["xi"]);
            Assert.Equal(InputSize, saved.Metadata.Sizes["input"]);
            Assert.Equal(2 * InputSize, saved.Metadata.Sizes["output"]);
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(-0.4)]
    public void PenaltyGradientMatchesCentralDifferences(double magIn)
    {
        const int size = 4, batch = 2, gamma = 200;
        var rng = new Xoshiro256(7);
        var x = new double[batch * size * size];
        for (int i = 0; i < x.Length; i++) x[i] = 1.5 * rng.NextGaussian();
        var grad = new double[x.Length];
        double value = MagnetizationMatching.Evaluate(magIn, x, size, gamma, out double mds, out _, grad);
        Assert.Equal(gamma * Math.Abs(mds - magIn), value, 12);

        var scratch = new double[x.Length];
        const double h = 1e-6;
        for (int i = 0; i < x.Length; i++)
        {
            double keep = x[i];
            x[i] = keep + h;
            double up = MagnetizationMatching.Evaluate(magIn, x, size, gamma, out _, out _, scratch);
            x[i] = keep - h;
            double down = MagnetizationMatching.Evaluate(magIn, x, size, gamma, out _, out _, scratch);
            x[i] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(fd - grad[i]) <= 1e-6 * (1 + Math.Abs(fd)), $"site {i}: analytic {grad[i]}, differences {fd}");
        }
    }

    /// <summary>
    /// The γ-term reaches the parameters: the gradient of a γ step minus that of the same step with γ = 0 equals central
    /// differences of γ|⟨m⟩_in − ⟨m⟩_ds| through the flow's double-precision engine.
    /// </summary>
    [Fact]
    public void PenaltyGradientReachesTheParameters()
    {
        const double t = 2.5, gamma = 200;
        var data = RelaxedDataSet(InputSize, 2.3, 4, 2, 41);
        int count = data.Length / (InputSize * InputSize);
        var start = RandomFlow(SmallSuperRes(), 2 * InputSize, 13, scale: 0.3, aScale: 0.3);
        FlowTrainer Trainer(double g) => new(new Flow(start.Architecture, start.Size, (float[])start.Parameters.Clone()), data, count, InputSize,
            new FlowTrainerOptions(t, batch: 3, gamma: g, gammaSteps: 1, seed: 8));
        var with = Trainer(gamma);
        var without = Trainer(0);
        with.TrainStep();
        without.TrainStep();
        Assert.Equal(with.LastLatent.ToArray(), without.LastLatent.ToArray());
        var delta = new double[start.ParameterCount];
        for (int i = 0; i < delta.Length; i++) delta[i] = (double)with.LastParameterGradient[i] - without.LastParameterGradient[i];

        int n = InputSize * InputSize, batch = 3;
        var z = with.LastLatent.ToArray();
        var xi = new float[batch * n];
        SuperResolutionFlow.SplitLatent(z, xi, new float[3 * batch * n], InputSize);
        double magIn = xi.Average(v => Math.Tanh(v));
        var p = start.Parameters.Select(v => (double)v).ToArray();
        var engine = Flow.BuildEngine<double>([(start, 1, p, 0)], start.Size, 1, 1);
        var zd = z.Select(v => (double)v).ToArray();
        var x = new double[zd.Length];
        var logDet = new double[batch];
        var scratch = new double[zd.Length];
        double Penalty()
        {
            engine.Generate(zd, x, logDet);
            return MagnetizationMatching.Evaluate(magIn, x, start.Size, gamma, out _, out _, scratch);
        }

        double scale = delta.Max(Math.Abs);
        Assert.True(scale > 1e-3, $"γ-term gradient vanishes ({scale})");
        var picks = Enumerable.Range(0, delta.Length).OrderByDescending(i => Math.Abs(delta[i])).Take(12)
            .Concat(Enumerable.Range(0, 8).Select(k => k * (delta.Length / 8))).Distinct();
        const double h = 1e-5;
        foreach (int i in picks)
        {
            double keep = p[i];
            p[i] = keep + h;
            double up = Penalty();
            p[i] = keep - h;
            double down = Penalty();
            p[i] = keep;
            double fd = (up - down) / (2 * h);
            Assert.True(Math.Abs(fd - delta[i]) <= 2e-3 * scale, $"parameter {i}: trainer {delta[i]}, differences {fd} (scale {scale})");
        }
    }

    [Fact]
    public void BlockedMagnetizationIsTheExpectedMajoritySpinOfAlignedBlocks()
    {
        // Saturated spins: x = ±20 makes every p_k 0 or 1, so ⟨m⟩_ds is the plain majority rule (ties → 0).
        const int size = 4;
        var x = new double[size * size];
        // Block (0,0) all up → +1; block (0,1) three down → −1; block (1,0) a tie → 0; block (1,1) three up → +1.
        int[,] s =
        {
            { 1, 1, -1, -1 },
            { 1, 1, -1, 1 },
            { 1, -1, 1, 1 },
            { -1, 1, -1, 1 },
        };
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++) x[r * size + c] = 20 * s[r, c];
        MagnetizationMatching.Evaluate(0, x, size, 1, out double mds, out _, new double[x.Length]);
        Assert.Equal(0.25, mds, 12);
    }

    [Fact]
    public void NonFiniteLossThrowsAndLeavesTheLastCheckpointUntouched()
    {
        var data = RelaxedDataSet(InputSize, 2.5, 4, 2, 31);
        int count = data.Length / (InputSize * InputSize);
        var options = new FlowTrainerOptions(2.5, batch: 4, gammaSteps: 1, seed: 2, checkpointEvery: 1);
        string path = Path.Combine(Path.GetTempPath(), $"spinflow-nan-{Guid.NewGuid():N}.ckpt");
        try
        {
            var trainer = new FlowTrainer(SmallFlow(), data, count, InputSize, options);
            trainer.Run(2, path);
            byte[] before = File.ReadAllBytes(path);
            var parameters = (float[])trainer.Flow.Parameters.Clone();
            // A NaN weight in every net reaches every output site.
            Array.Fill(trainer.Flow.Parameters, float.NaN);
            var e = Assert.Throws<InvalidOperationException>(() => trainer.Run(3, path));
            Assert.Contains("diverged at step 3", e.Message);
            Assert.Equal(2, trainer.Step);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(parameters, Checkpoint.Load(path).Parameters);
        }
        finally { File.Delete(path); }

        // Non-finite data are refused up front, naming the configuration.
        data[3 * 16 + 5] = float.NaN;
        var d = Assert.Throws<ArgumentException>(() => new FlowTrainer(SmallFlow(), data, count, InputSize, options));
        Assert.Contains("configuration 3", d.Message);
    }

    [Fact]
    public void CheckpointMetadataKeepsItsKeysAndReadsBackTyped()
    {
        var data = RelaxedDataSet(InputSize, 2.2, 4, 2, 31);
        int count = data.Length / (InputSize * InputSize);
        var id = TrainingDataIdentity.Of(data, count, InputSize, 2.2, 0.1);
        var trainer = new FlowTrainer(SmallFlow(), data, count, InputSize, new FlowTrainerOptions(2.4, batch: 6, gamma: 150, gammaSteps: 1, seed: 9))
        {
            InputTemperature = 2.2,
            Data = id,
        };
        trainer.Run(2);
        var json = trainer.Capture().ToJson();

        // The keys older builds read (format versions 1 and 2) stay as they were.
        var meta = json["metadata"]!.AsObject();
        Assert.Equal(["step", "loss_history", "temperatures", "sizes", "extra"], meta.Select(kv => kv.Key));
        Assert.Equal(["x", "xi"], meta["temperatures"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(["input", "output"], meta["sizes"]!.AsObject().Select(kv => kv.Key));
        Assert.Equal(["trainer", "seed", "batch", "gamma", "gamma_steps", "bound_per_site", "history", "data"], meta["extra"]!.AsObject().Select(kv => kv.Key));

        var read = TrainingMetadata.Read(Checkpoint.FromJson(json).Metadata);
        Assert.Equal("superres-reverse-kl", read.Trainer);
        Assert.Equal(2, read.Step);
        Assert.Equal(trainer.LossHistory, read.LossHistory);
        Assert.Equal(2.4, read.Temperature);
        Assert.Equal(2.2, read.InputTemperature);
        Assert.Equal(2 * InputSize, read.OutputSize);
        Assert.Equal(InputSize, read.InputSize);
        Assert.Equal(9UL, read.Seed);
        Assert.Equal(6, read.Batch);
        Assert.Equal(150, read.Gamma);
        Assert.Equal(1, read.GammaSteps);
        Assert.Equal(trainer.BoundPerSite, read.BoundPerSite);
        Assert.Equal(trainer.History["loss"], read.History!["loss"]);
        Assert.Equal(trainer.History["m_ds"], read.History["m_ds"]);
        Assert.Equal(id, read.Data);

        // A checkpoint without a training run (a bare flow) reads as nothing known.
        var bare = TrainingMetadata.Read(new CheckpointMetadata());
        Assert.True(bare.Seed is null && bare.Batch is null && bare.Gamma is null && bare.GammaSteps is null && bare.Temperature is null &&
            bare.BoundPerSite is null && bare.History is null && bare.Data is null && bare.Trainer is null);
    }

    [Fact]
    public void StartTransfersParametersAndResumesOnlyAtTheSavedSize()
    {
        var data = RelaxedDataSet(InputSize, 2.5, 4, 2, 31);
        int count = data.Length / (InputSize * InputSize);
        var options = new FlowTrainerOptions(2.5, batch: 4, gammaSteps: 1, seed: 2);
        var first = FlowTrainer.Start(new TrainingStart.New(SmallFlow()), DataSetLatent(data, count), options);
        first.Run(2);
        var saved = first.Capture();

        // Transfer learning: Flow_4's parameters as Flow_8 (8×8 → 16×16), fresh optimiser, step 0.
        var data8 = RelaxedDataSet(2 * InputSize, 2.5, 2, 1, 5);
        var latent8 = DataSetLatent(data8, 2, 2 * InputSize);
        var transfer = FlowTrainer.Start(new TrainingStart.Transfer(saved), latent8, options);
        Assert.Equal(4 * InputSize, transfer.Flow.Size);
        Assert.Equal(saved.Parameters, transfer.Flow.Parameters);
        Assert.Equal(0, transfer.Step);
        Assert.Equal(0, transfer.Optimizer.Step);
        Assert.Empty(transfer.LossHistory);

        // Resuming is at the saved size only (before, another size silently became a transfer that kept the Adam state).
        var e = Assert.Throws<InvalidDataException>(() => FlowTrainer.Start(new TrainingStart.Resume(saved), latent8, options));
        Assert.Contains("resumes at its own size", e.Message);
        var resumed = FlowTrainer.Start(new TrainingStart.Resume(saved), DataSetLatent(data, count), options);
        Assert.Equal(2, resumed.Step);
        Assert.Equal(2, resumed.Optimizer.Step);
        Assert.Equal(first.LossHistory, resumed.LossHistory);
    }

    [Fact]
    public void OptionsAndShapesAreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowTrainerOptions(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowTrainerOptions(2, batch: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowTrainerOptions(2, gamma: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowTrainerOptions(2, gammaSteps: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FlowTrainerOptions(2, checkpointEvery: -1));
        var options = new FlowTrainerOptions(2.5);
        var data = new float[16 * 3];
        Assert.Throws<ArgumentException>(() => new FlowTrainer(SmallFlow(), data, 3, 8, options));
        Assert.Throws<ArgumentException>(() => new FlowTrainer(SmallFlow(), data, 4, InputSize, options));
        Assert.Equal(200, options.Gamma);
        var trainer = new FlowTrainer(SmallFlow(), data, 3, InputSize, options);
        Assert.Equal(200, trainer.GammaAt(options.GammaSteps - 1));
        Assert.Equal(0, trainer.GammaAt(options.GammaSteps));
    }
}
