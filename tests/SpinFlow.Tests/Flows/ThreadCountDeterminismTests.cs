using SpinFlow.Flows;
using static SpinFlow.Tests.Flows.FlowTestUtil;

namespace SpinFlow.Tests.Flows;

/// <summary>
/// Tests whose point is that a second worker really joins a layer pass: they run alone, because while other test
/// classes keep the thread pool busy one worker can take every chunk of every pass.
/// </summary>
[CollectionDefinition(nameof(ThreadCountDeterminismTests), DisableParallelization = true)]
public sealed class ThreadCountDeterminismCollection;

[Collection(nameof(ThreadCountDeterminismTests))]
public class ThreadCountDeterminismTests
{
    [Theory]
    [InlineData("nnrg", 32, 20)]
    [InlineData("superres", 32, 10)]
    public void ResultsAreBitIdenticalForAnyThreadCountAndRun(string kind, int size, int batch)
    {
        // With the pool's minimum at the core count, the test runner's own threads can leave no idle thread for the second
        // worker, which then only starts after the pass is over (the pool adds threads every ~0.5 s); a few spare ones fix that.
        ThreadPool.GetMinThreads(out int minWorkers, out int minIo);
        ThreadPool.SetMinThreads(Math.Max(minWorkers, 16), minIo);
        try
        {
            Check(kind, size, batch);
        }
        finally
        {
            ThreadPool.SetMinThreads(minWorkers, minIo);
        }
    }

    private static void Check(string kind, int size, int batch)
    {
        // The paper's bijectors: a layer pass takes long enough that a second worker really joins in.
        var flow = RandomFlow(kind == "nnrg" ? NnrgFlowOptions.Default : SuperResolutionFlowOptions.Default, size, 8, scale: 0.3, aScale: 0.2);
        int n = size * size;
        // Several chunks per layer (and partial blocks), so dynamic scheduling really spreads a layer over the workers.
        int maxChunks = flow.Layers.Max(l => FlowEngine<float>.ChunkCount(batch, l.PlaquetteCount));
        Assert.True(maxChunks >= 20, $"only {maxChunks} chunks");
        var z = Gaussian(batch * n, 1);
        var gx = Gaussian(batch * n, 2);
        var gld = Enumerable.Range(0, batch).Select(b => 0.1 * b - 1).ToArray();
        (float[] X, double[] Ld, float[] Zi, double[] LdI, float[] Gz, float[] Gp, double[] GpSums) Run(int threads)
        {
            flow.Threads = threads;
            var x = new float[z.Length];
            var ld = new double[batch];
            var tape = flow.CreateTape(batch);
            flow.Generate(z, x, ld, tape);
            var gz = new float[z.Length];
            var gp = new float[flow.ParameterCount];
            flow.Backward(tape, gx, gld, gz, gp);
            // The double sums themselves, before rounding to float hides most last-bit differences.
            var sums = new double[flow.ParameterCount];
            flow.Engine.Backward(tape.Outputs, gx, gld, [], [sums], tape.Work);
            var zi = new float[z.Length];
            var ldi = new double[batch];
            flow.Infer(x, zi, ldi);
            return (x, ld, zi, ldi, gz, gp, sums);
        }
        var reference = Run(1);
        var plain = new float[z.Length];
        var plainLd = new double[batch];
        flow.Generate(z, plain, plainLd);
        Assert.Equal(reference.X, plain);
        Assert.Equal(reference.Ld, plainLd);
        Assert.Contains(reference.Gp, g => g != 0);
        // Every sum over plaquettes has a fixed order, so repeated runs and other thread counts agree in every bit.
        flow.Engine.MostBusyWorkers = 0;
        foreach (int threads in new[] { 2, 3, 2, 1, 3 })
        {
            var r = Run(threads);
            Assert.Equal(reference.X, r.X);
            Assert.Equal(reference.Ld, r.Ld);
            Assert.Equal(reference.Zi, r.Zi);
            Assert.Equal(reference.LdI, r.LdI);
            Assert.Equal(reference.Gz, r.Gz);
            Assert.Equal(reference.Gp, r.Gp);
            Assert.Equal(reference.GpSums, r.GpSums);
        }
        // On a loaded machine one worker can take every chunk before the other starts; repeat (each run still checked)
        // until a pass was shared, so that the comparison above really covered a multi-threaded pass.
        for (int attempt = 0; attempt < 200 && flow.Engine.MostBusyWorkers < 2; attempt++)
            Assert.Equal(reference.Gp, Run(2).Gp);
        Assert.True(flow.Engine.MostBusyWorkers >= 2, "no layer pass was shared between threads");
    }
}
