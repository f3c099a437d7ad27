using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Training;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

public class TrainingAndCheckpointTests
{
    [Fact]
    public void AdamMatchesTheReferenceFormulas()
    {
        var p = new float[] { 1f, -2f, 0.5f };
        var g = new float[] { 0.1f, -0.3f, 2f };
        var adam = new Adam(3, new AdamOptions(learningRate: 0.01, weightDecay: 0.1));
        var m = new double[3];
        var v = new double[3];
        var theta = p.Select(x => (double)x).ToArray();
        for (int t = 1; t <= 3; t++)
        {
            adam.Update(p, g);
            for (int i = 0; i < 3; i++)
            {
                double gi = g[i] + 0.1 * theta[i];
                m[i] = 0.9 * m[i] + 0.1 * gi;
                v[i] = 0.999 * v[i] + 0.001 * gi * gi;
                double mh = m[i] / (1 - Math.Pow(0.9, t)), vh = v[i] / (1 - Math.Pow(0.999, t));
                theta[i] -= 0.01 * mh / (Math.Sqrt(vh) + 1e-8);
                Assert.Equal(theta[i], p[i], 5e-6);
            }
        }
        Assert.Equal(3, adam.Step);
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptions(learningRate: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamOptions(beta1: 1));
    }

    [Fact]
    public void QuadraticEnergyGradientMatchesFiniteDifferences()
    {
        var e = new QuadraticLatticeEnergy(4, 1.5, 0.3);
        var x = Gaussian(32, 1);
        var energy = new double[2];
        var grad = new float[32];
        e.EnergyAndGradient(x, energy, grad);
        for (int k = 0; k < 32; k += 5)
        {
            var xp = (float[])x.Clone(); xp[k] += 1e-2f;
            var xm = (float[])x.Clone(); xm[k] -= 1e-2f;
            var ep = new double[2]; var em = new double[2];
            e.EnergyAndGradient(xp, ep, new float[32]);
            e.EnergyAndGradient(xm, em, new float[32]);
            double fd = (ep[k / 16] - em[k / 16]) / ((double)xp[k] - xm[k]);
            Assert.Equal(fd, grad[k], 1e-3);
        }
    }

    [Fact]
    public void TrainingLowersTheReverseKlLoss()
    {
        // Target: a Gaussian with nearest-neighbour coupling; an NNRG flow starting near the identity learns it.
        int size = 8, batch = 64;
        var flow = Flow.Create(SmallNnrg(), size, 1);
        var trainer = new ReverseKlTrainer(flow, new QuadraticLatticeEnergy(size, 1.0, 0.2), new Adam(flow.ParameterCount, new AdamOptions(3e-3)), batch);
        var rng = new SpinFlow.Randomness.Xoshiro256(2);
        var z = new float[batch * size * size];
        var prior = new double[batch];
        double first = 0, last = 0;
        for (int step = 0; step < 60; step++)
        {
            rng.FillGaussian(z);
            NnrgFlow.PriorLogDensity(z, size, prior);
            var r = trainer.Step(z, prior);
            Assert.True(double.IsFinite(r.Loss));
            if (step < 5) first += r.Loss / 5;
            if (step >= 55) last += r.Loss / 5;
        }
        // Exact −ln Z of the Gaussian target bounds the loss from below.
        double lnZ = 0.5 * size * size * Math.Log(2 * Math.PI);
        for (int i = 0; i < size; i++)
            for (int j = 0; j < size; j++)
                lnZ -= 0.5 * Math.Log(1.0 - 0.2 * (2 * Math.Cos(2 * Math.PI * i / size) + 2 * Math.Cos(2 * Math.PI * j / size)));
        Assert.True(last < first - 0.5, $"loss did not decrease: {first} → {last}");
        Assert.True(last > -lnZ - 0.5, $"loss {last} below the exact bound {-lnZ}");
    }

    /// <summary>The batch mean of an energy Q as a penalty term (gradient Q'(x)/batch).</summary>
    private sealed class MeanEnergyPenalty(ILatticeEnergy q, int batch) : ILossPenalty
    {
        private readonly double[] _energy = new double[batch];
        private float[] _gradient = [];

        public string Name => "⟨Q⟩";

        public double Evaluate(ReadOnlySpan<float> x, Span<double> gradient)
        {
            if (_gradient.Length != x.Length) _gradient = new float[x.Length];
            q.EnergyAndGradient(x, _energy, _gradient);
            for (int i = 0; i < x.Length; i++) gradient[i] = _gradient[i] / (double)batch;
            return _energy.Average();
        }
    }

    [Fact]
    public void PenaltyHookTrainsLikeTheTermAddedToTheEnergy()
    {
        // The quadratic energy is linear in (m, J): E(1, 1/8) + E(1/2, 1/16) = E(3/2, 3/16) sample by sample
        // (constants exact in binary, so only the summation order differs), so a penalty
        // ⟨E(1/2, 1/16)⟩ over the batch must give the loss and the parameter gradient of the energy E(3/2, 3/16) alone.
        const int size = 4, batch = 8;
        var z = Gaussian(batch * size * size, 3);
        Flow flowA = Flow.Create(SmallNnrg(), size, 1), flowB = Flow.Create(SmallNnrg(), size, 1);
        var withPenalty = new ReverseKlTrainer(flowA, new QuadraticLatticeEnergy(size, 1.0, 0.125), new Adam(flowA.ParameterCount), batch,
            new MeanEnergyPenalty(new QuadraticLatticeEnergy(size, 0.5, 0.0625), batch));
        var summed = new ReverseKlTrainer(flowB, new QuadraticLatticeEnergy(size, 1.5, 0.1875), new Adam(flowB.ParameterCount), batch);
        var a = withPenalty.Step(z);
        var b = summed.Step(z);
        Assert.True(a.Penalty > 0);
        Assert.Equal(b.Loss, a.Loss, 1e-9 * (1 + Math.Abs(b.Loss)));
        Assert.Equal(b.Objective, a.Objective + a.Penalty, 1e-9 * (1 + Math.Abs(b.Objective)));
        // Float32 gradients of E, summed in another order: agreement to float rounding.
        double scale = summed.LastParameterGradient.ToArray().Max(g => Math.Abs((double)g));
        for (int i = 0; i < summed.LastParameterGradient.Length; i++)
            Assert.True(Math.Abs(withPenalty.LastParameterGradient[i] - summed.LastParameterGradient[i]) <= 1e-5 * scale,
                $"parameter {i}: {withPenalty.LastParameterGradient[i]} with the penalty, {summed.LastParameterGradient[i]} with the summed energy");
        Assert.Equal(1, withPenalty.StepsDone);
    }

    [Fact]
    public void NonFiniteStepThrowsBeforeTheUpdate()
    {
        const int size = 4, batch = 2;
        var flow = Flow.Create(SmallNnrg(), size, 1);
        var adam = new Adam(flow.ParameterCount);
        var trainer = new ReverseKlTrainer(flow, new QuadraticLatticeEnergy(size), adam, batch);
        var z = Gaussian(batch * size * size, 2);
        trainer.Step(z);
        var parameters = (float[])flow.Parameters.Clone();
        var moments = adam.FirstMoment.ToArray();
        z[5] = float.NaN;
        var e = Assert.Throws<InvalidOperationException>(() => trainer.Step(z));
        Assert.Contains("diverged at step 2", e.Message);
        Assert.Equal(parameters, flow.Parameters);
        Assert.Equal(moments, adam.FirstMoment.ToArray());
        Assert.Equal(1, adam.Step);
        Assert.Equal(1, trainer.StepsDone);
    }

    [Fact]
    public void CheckpointRoundTripReproducesOutputsBitForBit()
    {
        var flow = RandomFlow(SmallSuperRes(equivariant: true), 8, 4);
        var adam = new Adam(flow.ParameterCount, new AdamOptions(2e-3, weightDecay: 1e-4, decoupledWeightDecay: true));
        var grad = Gaussian(flow.ParameterCount, 5);
        adam.Update(flow.Parameters, grad);
        adam.Update(flow.Parameters, grad);
        var meta = new CheckpointMetadata
        {
            Step = 2,
            LossHistory = [1.5, double.NaN, -0.25],
            Temperatures = new Dictionary<string, double> { ["x"] = 2.269185314213022, ["xi"] = 2.4 },
            Sizes = new Dictionary<string, int> { ["input"] = 4, ["output"] = 8 },
            Extra = new JsonObject { ["note"] = "test" },
        };
        string path = Path.Combine(Path.GetTempPath(), $"spinflow-ckpt-{Guid.NewGuid():N}.json");
        try
        {
            Checkpoint.Capture(flow, adam, meta).Save(path);
            var ck = Checkpoint.Load(path);
            var restored = ck.CreateFlow();
            Assert.Equal(flow.Architecture, restored.Architecture);
            Assert.Equal(flow.Parameters, restored.Parameters);
            var z = Gaussian(3 * 64, 6);
            var x1 = new float[z.Length]; var x2 = new float[z.Length];
            var l1 = new double[3]; var l2 = new double[3];
            flow.Generate(z, x1, l1);
            restored.Generate(z, x2, l2);
            Assert.Equal(x1, x2);
            Assert.Equal(l1, l2);
            var adam2 = ck.CreateOptimizer()!;
            Assert.Equal(adam.Step, adam2.Step);
            Assert.Equal(adam.Options, adam2.Options);
            Assert.Equal(adam.FirstMoment.ToArray(), adam2.FirstMoment.ToArray());
            Assert.Equal(adam.SecondMoment.ToArray(), adam2.SecondMoment.ToArray());
            // The next update is identical too.
            adam.Update(flow.Parameters, grad);
            adam2.Update(restored.Parameters, grad);
            Assert.Equal(flow.Parameters, restored.Parameters);
            Assert.Equal(2, ck.Metadata.Step);
            Assert.Equal(1.5, ck.Metadata.LossHistory[0]);
            Assert.True(double.IsNaN(ck.Metadata.LossHistory[1]));
            Assert.Equal(2.269185314213022, ck.Metadata.Temperatures["x"]);
            Assert.Equal(8, ck.Metadata.Sizes["output"]);
            Assert.Equal("test", ck.Metadata.Extra!["note"]!.GetValue<string>());
            // Transfer learning: the same parameters at another size.
            var bigger = ck.CreateFlow(32);
            Assert.Equal(32, bigger.Size);
            Assert.Equal(flow.Parameters.Length, bigger.Parameters.Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void MismatchedCheckpointsFailClearly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"spinflow-ckpt-{Guid.NewGuid():N}.json");
        try
        {
            var superres = Flow.Create(SuperResolutionFlowOptions.Default, 8, 1);
            Checkpoint.Capture(superres).Save(path);
            var ck = Checkpoint.Load(path);
            var nnrg = NnrgFlow.Create(8, 1);
            var before = (float[])nnrg.Parameters.Clone();
            var e1 = Assert.Throws<InvalidDataException>(() => ck.LoadInto(nnrg));
            Assert.Contains("does not match", e1.Message);
            Assert.Equal(before, nnrg.Parameters);
            // Same kind, different shape.
            var other = Flow.Create(new SuperResolutionFlowOptions(new RealNvpOptions(10, 6, 1, equivariant: true)), 8, 1);
            Assert.Throws<InvalidDataException>(() => ck.LoadInto(other));
            // NNRG parameters depend on L.
            Checkpoint.Capture(NnrgFlow.Create(8, 1)).Save(path);
            var e2 = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path).CreateFlow(16));
            Assert.Contains("parameters", e2.Message);
            // Corruption and foreign files.
            string text = File.ReadAllText(path);
            int at = text.IndexOf("\"base64\": \"", StringComparison.Ordinal) + 12;
            File.WriteAllText(path, text[..at] + (text[at] == 'A' ? 'B' : 'A') + text[(at + 1)..]);
            Assert.Contains("corrupt", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
            File.WriteAllText(path, "{\"format\":\"something-else\"}");
            Assert.Contains("not a SpinFlow checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
            File.WriteAllText(path, text.Replace("\"version\": 2", "\"version\": 99"));
            Assert.Contains("version 99", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string SavedWithMetadata()
    {
        var flow = RandomFlow(SmallSuperRes(equivariant: true), 8, 4);
        var adam = new Adam(flow.ParameterCount, new AdamOptions(2e-3));
        adam.Update(flow.Parameters, Gaussian(flow.ParameterCount, 5));
        var meta = new CheckpointMetadata
        {
            Step = 1,
            LossHistory = [1.5],
            Temperatures = new Dictionary<string, double> { ["x"] = 2.5 },
            Sizes = new Dictionary<string, int> { ["input"] = 4, ["output"] = 8 },
            Extra = new JsonObject { ["seed"] = 3 },
        };
        string path = Path.Combine(Path.GetTempPath(), $"spinflow-ckpt-{Guid.NewGuid():N}.json");
        Checkpoint.Capture(flow, adam, meta).Save(path);
        return path;
    }

    [Theory]
    [InlineData("\"step\": 1,", "\"step\": 2,")]                // optimizer.step (and metadata.step)
    [InlineData("\"seed\": 3", "\"seed\": 4")]
    [InlineData("\"x\": 2.5", "\"x\": 2.6")]
    [InlineData("1.5", "1.25")]                                 // loss history
    [InlineData("\"learning_rate\": 0.002", "\"learning_rate\": 0.003")]
    [InlineData("\"output\": 8", "\"output\": 16")]
    public void EditedMetadataIsRefused(string from, string to)
    {
        string path = SavedWithMetadata();
        try
        {
            Checkpoint.Load(path);
            string text = File.ReadAllText(path);
            Assert.Contains(from, text);
            File.WriteAllText(path, text.Replace(from, to));
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path));
            Assert.StartsWith(path + ":", e.Message);
            Assert.Contains("corrupt or was edited", e.Message);
            // A missing checksum is refused as well: version 2 files always carry one.
            var o = JsonNode.Parse(text)!.AsObject();
            o.Remove("checksum");
            File.WriteAllText(path, o.ToJsonString());
            Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void VersionOneCheckpointsStillLoad()
    {
        string path = SavedWithMetadata();
        try
        {
            var v2 = Checkpoint.Load(path);
            // A version-1 file is the same document with version 1 and no whole-document checksum.
            var o = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            o.Remove("checksum");
            o["version"] = 1;
            File.WriteAllText(path, o.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            var v1 = Checkpoint.Load(path);
            Assert.True(v2.Verified);
            Assert.False(v1.Verified);
            Assert.Equal(v2.Parameters, v1.Parameters);
            Assert.Equal(v2.Optimizer!.SecondMoment, v1.Optimizer!.SecondMoment);
            Assert.Equal(v2.Metadata.LossHistory, v1.Metadata.LossHistory);
            // A later file edited down to version 1 still shows the training-data identity only version 2 writes.
            var downgraded = o.DeepClone().AsObject();
            downgraded["metadata"]!["extra"] ??= new JsonObject();
            downgraded["metadata"]!["extra"]!["data"] = new JsonObject { ["sha256"] = "00" };
            string forged = path + ".forged";
            File.WriteAllText(forged, downgraded.ToJsonString());
            Assert.Contains("only version 2 writes", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(forged)).Message);
            File.Delete(forged);
            // Its arrays keep their own checksums.
            string text = File.ReadAllText(path);
            int at = text.IndexOf("\"base64\": \"", StringComparison.Ordinal) + 12;
            File.WriteAllText(path, text[..at] + (text[at] == 'A' ? 'B' : 'A') + text[(at + 1)..]);
            Assert.Contains("corrupt", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path)).Message);
            // Saving writes the current version, with the checksum.
            v1.Save(path);
            Assert.Equal(Checkpoint.FormatVersion, JsonNode.Parse(File.ReadAllText(path))!["version"]!.GetValue<int>());
            Assert.Equal(v2.Parameters, Checkpoint.Load(path).Parameters);
        }
        finally
        {
            File.Delete(path);
        }
    }
}

public class RelaxedTargetTests
{
    [Fact]
    public void RelaxedIsingFloatEnergyMatchesTheDoubleOneAndTrains()
    {
        int size = 8, batch = 16;
        var target = new SpinFlow.Relaxation.RelaxedIsing(size, 2.5);
        var x = FlowTestUtil.Gaussian(batch * size * size, 3);
        var e = new double[batch];
        var g = new float[x.Length];
        target.EnergyAndGradient(x, e, g);
        var ed = new double[batch];
        var gd = new double[x.Length];
        target.EnergyAndGradient(x.Select(v => (double)v).ToArray(), ed, gd);
        for (int b = 0; b < batch; b++) Assert.Equal(ed[b], e[b], 1e-4 * (1 + Math.Abs(ed[b])));
        for (int i = 0; i < x.Length; i++) Assert.Equal(gd[i], g[i], 1e-4);

        var flow = Flow.Create(FlowTestUtil.SmallNnrg(), size, 1);
        var trainer = new ReverseKlTrainer(flow, target, new Adam(flow.ParameterCount, new AdamOptions(3e-3)), batch);
        var z = new float[batch * size * size];
        var rng = new SpinFlow.Randomness.Xoshiro256(7);
        double first = 0, last = 0;
        for (int s = 0; s < 40; s++)
        {
            rng.FillGaussian(z);
            double loss = trainer.Step(z).Loss;
            if (s < 5) first += loss / 5;
            if (s >= 35) last += loss / 5;
        }
        Assert.True(last < first, $"loss did not decrease: {first} → {last}");
    }
}
