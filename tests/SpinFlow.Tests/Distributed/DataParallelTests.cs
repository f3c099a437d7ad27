using SpinFlow.Distributed;
using SpinFlow.Flows;
using SpinFlow.SuperResolution;
using SpinFlow.Training;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Distributed;

/// <summary>
/// Work split over ranks gives the one-process bits: the flow's gradient from chunk partials of batch pieces against its
/// own one-piece reverse pass, data-parallel training steps and the split flow against one process (ranks simulated by
/// threads; the same code runs over MPI in <see cref="MpiRunTests"/>).
/// </summary>
public sealed class DataParallelTests
{
    private static int[] Bits(ReadOnlySpan<float> v) => v.ToArray().Select(BitConverter.SingleToInt32Bits).ToArray();
    private static long[] Bits(ReadOnlySpan<double> v) => v.ToArray().Select(BitConverter.DoubleToInt64Bits).ToArray();

    // 8×8: four samples share a block of plaquettes; 32×32: a sample spans blocks and chunks hold several blocks.
    [Theory]
    [InlineData(4, 13)]
    [InlineData(16, 40)]
    public void ChunkPartialsOfTheBatchPiecesAddUpToTheOneProcessGradient(int inputSize, int batch)
    {
        var flow = RandomFlow(SmallSuperRes(equivariant: true), 2 * inputSize, 7);
        int n = flow.Size * flow.Size;
        var z = Gaussian(batch * n, 1);
        var gradX = Gaussian(batch * n, 2);
        var gradLogDet = Gaussian(batch, 3).Select(v => (double)v).ToArray();
        var x = new float[batch * n];
        var logDet = new double[batch];
        var tape = flow.CreateTape(batch);
        flow.Generate(z, x, logDet, tape);
        var whole = new float[flow.ParameterCount];
        flow.Backward(tape, gradX, gradLogDet, default, whole);

        for (int ranks = 1; ranks <= 4; ranks++)
        {
            var pieces = flow.GradientPieces(batch, ranks);
            Assert.Equal(batch, pieces.Sum());
            var running = new double[flow.ChunkSumLength];
            int first = 0;
            foreach (int count in pieces)
            {
                if (count > 0)
                {
                    var pieceTape = flow.CreateTape(count);
                    var px = new float[count * n];
                    var pld = new double[count];
                    flow.Generate(z.AsSpan(first * n, count * n), px, pld, pieceTape);
                    // Each sample on its own: the piece's rows are the batch's rows, bit for bit.
                    Assert.Equal(Bits(x.AsSpan(first * n, count * n)), Bits(px));
                    Assert.Equal(Bits(logDet.AsSpan(first, count)), Bits(pld));
                    var partials = new float[flow.ChunkPartialLength(count, batch)];
                    flow.BackwardChunks(pieceTape, gradX.AsSpan(first * n, count * n), gradLogDet.AsSpan(first, count), batch, partials);
                    flow.AccumulateChunkPartials(partials, count, batch, running);
                }
                first += count;
            }
            var summed = new float[flow.ParameterCount];
            flow.GradientFromChunkSums(running, summed);
            Assert.Equal(Bits(whole), Bits(summed));
        }
    }

    [Theory]
    [InlineData(4, 13)]
    [InlineData(16, 40)]
    public void PiecesEndOnChunkBoundariesNearestTheEvenSplit(int inputSize, int batch)
    {
        var flow = RandomFlow(SmallSuperRes(), 2 * inputSize, 7);
        int[] cuts = flow.Engine.ChunkBoundaries(batch);
        // The cut positions depend on the lattice: at 32×32 a sample spans several blocks and chunks, so not every sample is a cut.
        Assert.Equal(0, cuts[0]);
        Assert.Equal(batch, cuts[^1]);
        int gap = cuts.Zip(cuts.Skip(1), (a, b) => b - a).Max();
        for (int ranks = 1; ranks <= 6; ranks++)
        {
            var pieces = flow.GradientPieces(batch, ranks);
            Assert.Equal(ranks, pieces.Length);
            int end = 0;
            for (int p = 0; p < ranks; p++)
            {
                Assert.True(pieces[p] >= 0);
                end += pieces[p];
                Assert.Contains(end, cuts);
                Assert.True(Math.Abs(end - (double)batch * (p + 1) / ranks) <= gap, $"piece {p} of {ranks} ends at {end}");
            }
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void DataParallelTrainingIsTheOneProcessRunBitForBit(int ranks)
    {
        const int inputSize = 4, batch = 12, steps = 4;
        var data = SuperResolution.FlowTrainerTests.RelaxedDataSet(inputSize, 2.5, 8, 4, 11);
        int count = data.Length / (inputSize * inputSize);
        var options = new FlowTrainerOptions(2.5, batch, gamma: 50, gammaSteps: 2, seed: 5, adam: new AdamOptions(1e-2));
        (float[] Parameters, double[] Losses, byte[] Checkpoint) Train(IRanks? group)
        {
            var trainer = new FlowTrainer(SuperResolutionFlow.Create(inputSize, 3, SmallSuperRes(equivariant: true)),
                SuperResolution.FlowTrainerTests.DataSetLatent(data, count, inputSize), options, group) { Flow = { Threads = 1 } };
            trainer.Run(steps);
            string path = Path.Combine(Path.GetTempPath(), $"spinflow-dp-{Guid.NewGuid():N}.ckpt");
            try
            {
                trainer.Capture().Save(path);
                return ((float[])trainer.Flow.Parameters.Clone(), trainer.LossHistory.ToArray(), File.ReadAllBytes(path));
            }
            finally { File.Delete(path); }
        }
        var alone = Train(null);
        var spread = ThreadedRanks.Run(ranks, Train);
        foreach (var r in spread)
        {
            Assert.Equal(Bits(alone.Parameters), Bits(r.Parameters));
            Assert.Equal(Bits(alone.Losses), Bits(r.Losses));
            Assert.Equal(alone.Checkpoint, r.Checkpoint);
        }
    }

    // Two channels (clock and XY fields): every row is L²·C values.
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void DataParallelTrainingOfATwoChannelFlowIsTheOneProcessRunBitForBit(int ranks)
    {
        const int size = 8, batch = 10, steps = 3;
        var arch = SmallSuperRes(equivariant: true).WithChannels(2);
        var energy = new QuadraticLatticeEnergy(size, 1.0, 0.2, channels: 2);
        (float[] Parameters, double[] Losses) Train(IRanks? group)
        {
            var flow = RandomFlow(arch, size, 13);
            flow.Threads = 1;
            var trainer = new ReverseKlTrainer(flow, energy, new Adam(flow.ParameterCount, new AdamOptions(1e-2)), batch, ranks: group);
            var rng = new SpinFlow.Randomness.Xoshiro256(21);
            var z = new float[batch * size * size * 2];
            var losses = new double[steps];
            for (int s = 0; s < steps; s++)
            {
                rng.FillGaussian(z);
                losses[s] = trainer.Step(z).Loss;
            }
            return ((float[])flow.Parameters.Clone(), losses);
        }
        var alone = Train(null);
        foreach (var r in ThreadedRanks.Run(ranks, Train))
        {
            Assert.Equal(Bits(alone.Parameters), Bits(r.Parameters));
            Assert.Equal(Bits(alone.Losses), Bits(r.Losses));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void SplitFlowGivesEveryRankTheWrappedFlowsRows(int channels)
    {
        var arch = SmallSuperRes(equivariant: true).WithChannels(channels);
        var flow = RandomFlow(arch, 8, 9);
        const int batch = 7;
        int n = flow.Size * flow.Size * channels;
        var z = Gaussian(batch * n, 4);
        var gradX = Gaussian(batch * n, 5);
        var gradLogDet = Enumerable.Repeat(-1.0, batch).ToArray();
        (float[] X, double[] LogDet, float[] Z, double[] InverseLogDet, float[] GradZ) Passes(ILatticeFlow f)
        {
            var x = new float[batch * n];
            var ld = new double[batch];
            f.Generate(z, x, ld);
            var back = new float[batch * n];
            var ild = new double[batch];
            f.Infer(x, back, ild);
            var tape = f.CreateTape(batch);
            var taped = new float[batch * n];
            f.Generate(z, taped, new double[batch], tape);
            var gz = new float[batch * n];
            f.Backward(tape, gradX, gradLogDet, gz);
            return (x, ld, back, ild, gz);
        }
        var alone = Passes(flow);
        var spread = ThreadedRanks.Run(3, ranks => Passes(new RankSplitFlow(RandomFlow(arch, 8, 9), ranks)));
        foreach (var r in spread)
        {
            Assert.Equal(Bits(alone.X), Bits(r.X));
            Assert.Equal(Bits(alone.LogDet), Bits(r.LogDet));
            Assert.Equal(Bits(alone.Z), Bits(r.Z));
            Assert.Equal(Bits(alone.InverseLogDet), Bits(r.InverseLogDet));
            Assert.Equal(Bits(alone.GradZ), Bits(r.GradZ));
        }
    }
}
