using System.Text.Json.Nodes;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Randomness;
using SpinFlow.SuperResolution;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.SuperResolution;

/// <summary>A cancelled <see cref="FlowTrainer.Run"/> keeps its work, and data identities in checkpoints.</summary>
public sealed class FlowTrainerInterruptTests : IDisposable
{
    private const int InputSize = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("spinflow-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static FlowTrainer NewTrainer(float[] data) =>
        new(SuperResolutionFlow.Create(InputSize, 3, SmallSuperRes(equivariant: true)), data, data.Length / (InputSize * InputSize), InputSize,
            new FlowTrainerOptions(2.5, batch: 8, gamma: 200, gammaSteps: 2, seed: 7));

    [Fact]
    public void CancelledRunSavesCheckpointAndHistoryAndResumesBitForBit()
    {
        var data = FlowTrainerTests.RelaxedDataSet(InputSize, 2.5, 8, 2, 11);
        string whole = Path.Combine(_dir, "whole.ckpt"), cut = Path.Combine(_dir, "cut.ckpt"), history = Path.Combine(_dir, "cut.history.json");
        NewTrainer(data).Run(6, whole);

        // The default: no periodic checkpoints, so before the fix nothing was on disk when the run stopped.
        using var stop = new CancellationTokenSource();
        var interrupted = NewTrainer(data);
        Assert.Throws<OperationCanceledException>(() => interrupted.Run(6, cut, r => { if (r.Step == 3) stop.Cancel(); }, history, stop.Token));
        var saved = Checkpoint.Load(cut);
        Assert.Equal(3, saved.Metadata.Step);
        var h = TrainingHistory.FromJson(JsonNode.Parse(File.ReadAllText(history)));
        Assert.Equal(new double[] { 1, 2, 3 }, h["step"]);
        Assert.Equal(saved.Metadata.LossHistory, h["loss"]);

        var resumed = FlowTrainer.Resume(saved, FlowTrainerTests.DataSetLatent(data, data.Length / (InputSize * InputSize)), NewTrainer(data).Options);
        resumed.Run(3, cut, historyPath: history);
        var w = Checkpoint.Load(whole);
        var c = Checkpoint.Load(cut);
        Assert.Equal(w.Parameters, c.Parameters);
        Assert.Equal(w.Optimizer!.FirstMoment, c.Optimizer!.FirstMoment);
        Assert.Equal(w.Optimizer.SecondMoment, c.Optimizer.SecondMoment);
        Assert.Equal(w.Metadata.LossHistory, c.Metadata.LossHistory);
        Assert.Equal(w.Metadata.Extra!["history"]!.ToJsonString(), c.Metadata.Extra!["history"]!.ToJsonString());
    }

    [Fact]
    public void DataIdentityIsSavedAndTellsDataSetsApart()
    {
        var data = FlowTrainerTests.RelaxedDataSet(InputSize, 2.5, 8, 2, 11);
        int count = data.Length / (InputSize * InputSize);
        var id = TrainingDataIdentity.Of(data, count, InputSize, 2.5, 0.1);
        var trainer = NewTrainer(data);
        trainer.Data = id;
        string path = Path.Combine(_dir, "id.ckpt");
        trainer.Run(1, path);
        var saved = Checkpoint.Load(path);
        Assert.Equal(id, TrainingMetadata.Read(saved.Metadata).Data);
        Assert.Equal(id, FlowTrainer.Resume(saved, FlowTrainerTests.DataSetLatent(data, count), trainer.Options).Data);

        var other = (float[])data.Clone();
        other[5] = BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(other[5]) + 1);
        Assert.NotEqual(id.Sha256, TrainingDataIdentity.Of(other, count, InputSize, 2.5, 0.1).Sha256);
        Assert.NotEqual(id.Sha256, TrainingDataIdentity.Of(data, count, InputSize, 2.6, 0.1).Sha256);
        Assert.NotEqual(id.Sha256, TrainingDataIdentity.Of(data, count - 1, InputSize, 2.5, 0.1).Sha256);
        Assert.Equal(id, TrainingDataIdentity.Of(data, count, InputSize, 2.5, 0.1));
    }
}

/// <summary><see cref="AbsMagnetizationWatch"/> on synthetic step sequences with known noise.</summary>
public class AbsMagnetizationWatchTests
{
    private static FlowTrainingStep Step(long k, double absIn, double absDs, double gamma = 0) =>
        new(k, 0, 0, 0, 0, 0, 0, 0, 0, 0, double.NaN, absIn, absDs, gamma);

    [Fact]
    public void QuietWithinTheNoiseAndWarnsOncePerDeparture()
    {
        // Per-step batch means scatter by σ = 0.04 each (batch 64, per-sample spread ≈ 0.3); a collapse moves ⟨|m|⟩_ds to 0.95.
        var rng = new Xoshiro256(17);
        var watch = new AbsMagnetizationWatch(window: 25, threshold: 5);
        var warnings = new List<AbsMagnetizationDeparture>();
        long k = 0;
        void Feed(int steps, double shift, double gamma = 0)
        {
            for (int i = 0; i < steps; i++)
            {
                k++;
                double absIn = 0.6 + 0.04 * rng.NextGaussian();
                double absDs = 0.6 + shift + 0.04 * rng.NextGaussian();
                if (watch.Observe(Step(k, absIn, absDs, gamma)) is { } d) warnings.Add(d);
            }
        }
        Feed(100, 0.35, gamma: 200);   // γ on: not watched, whatever the values
        Feed(2000, 0);                 // 80 windows within the noise
        Assert.Empty(warnings);
        Feed(250, 0.35);               // collapse: 10 departing windows, one warning
        Assert.Single(warnings);
        Assert.Equal(2101, warnings[0].FirstStep);
        Assert.Equal(2125, warnings[0].LastStep);
        Assert.InRange(warnings[0].Departure, 0.35 - 5 * warnings[0].StandardError, 0.35 + 5 * warnings[0].StandardError);
        Feed(250, 0);                  // back within the noise
        Feed(50, -0.3);                // a second departure, the other way
        Assert.Equal(2, warnings.Count);
        Assert.True(warnings[1].Departure < 0);

        // A long run resolves a tiny, harmless difference: below the floor it is never reported.
        var fine = new AbsMagnetizationWatch(window: 25, threshold: 5);
        var quiet = new Xoshiro256(3);
        int reported = 0;
        for (long i = 1; i <= 20000; i++)
            if (fine.Observe(Step(i, 0.6 + 0.001 * quiet.NextGaussian(), 0.63 + 0.001 * quiet.NextGaussian(), 0)) is not null) reported++;
        Assert.Equal(0, reported);
        // A run hovering at the threshold (departing windows between quiet ones) warns once, not every time.
        var hover = new AbsMagnetizationWatch(window: 25, threshold: 5);
        reported = 0;
        for (long i = 1; i <= 25 * 40; i++)
        {
            double shift = (i - 1) / 25 % 2 == 0 ? 0.3 : 0;
            if (hover.Observe(Step(i, 0.6 + 0.04 * quiet.NextGaussian(), 0.6 + shift + 0.04 * quiet.NextGaussian(), 0)) is not null) reported++;
        }
        Assert.Equal(1, reported);
    }
}
