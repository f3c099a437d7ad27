using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpinFlow.Flows;

/// <summary>One executable plaquette layer: tiling on the engine's lattice plus the parameter block it reads.</summary>
internal sealed class EngineLayer<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public required PlaquetteLayer Geometry { get; init; }
    public required int[] Sites { get; init; }
    public required RealNvpOptions Options { get; init; }
    public required int[] PackedToFlat { get; init; }
    /// <summary>Flat parameters of the owning flow (read at every pass, so optimiser updates are seen).</summary>
    public required T[] Parameters { get; init; }
    /// <summary>Start of this layer's bijector in <see cref="Parameters"/>.</summary>
    public required int ParameterOffset { get; init; }
    /// <summary>Which gradient array (one per distinct flow) receives this layer's parameter gradients.</summary>
    public required int GradientSlot { get; init; }
    /// <summary>Packed copy of the bijector's active parameters, refreshed before each pass.</summary>
    public required T[] Packed { get; init; }
    /// <summary>Index of the owning flow among the engine's stages (generation order): the key of its pass times.</summary>
    public int Stage { get; init; }

    public int PlaquetteCount => Geometry.PlaquetteCount;

    public void Pack()
    {
        var src = Parameters.AsSpan(ParameterOffset, Options.ParameterCount);
        for (int q = 0; q < Packed.Length; q++) Packed[q] = src[PackedToFlat[q]];
    }
}

/// <summary>
/// Runs a list of plaquette layers (generation order) on batches of L×L lattices of C channels per site (channel-minor):
/// generation, inference, generation with a tape of layer outputs, and the reverse-mode pass. Parallel over blocks of
/// plaquettes; not thread-safe itself.
/// </summary>
/// <remarks>
/// Results are bit-for-bit reproducible and do not depend on <see cref="Threads"/>: a layer's blocks are grouped into
/// chunks whose size depends only on the layer and the batch, chunks are handed out dynamically, and every sum over
/// plaquettes is formed in a fixed order: log-dets are stored per plaquette and summed per sample in plaquette order,
/// and parameter gradients are summed per chunk (in block order, by whichever worker ran it) into the chunk's own
/// slot, then over the slots in chunk order.
/// </remarks>
internal sealed unsafe class FlowEngine<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    // Chunks per layer: enough small pieces for workers to even out on a shared machine, few enough that reducing the
    // per-chunk gradient slots stays small beside the layer's work.
    private const int TargetChunks = 64;
    // Float partial sums of parameter gradients never run over more blocks than this before they reach double.
    private const int MaxChunkBlocks = 64;

    private readonly BlockWorker<T>?[] _workers;
    private readonly int _maxHidden, _maxLayers, _maxPacked;
    private double[] _gradLogDet = [];
    private T[] _plaquetteLogDet = [];
    private T[] _chunkGradients = [];
    private readonly double[] _gradientSum;
    // Stopwatch ticks per (pass, stage), summed around whole layer passes only: profiling at no per-site cost.
    private readonly long[] _stageTicks;

    public int Size { get; }
    public int Channels { get; }
    public int SitesPerSample => Size * Size;
    /// <summary>Values per sample, L²·C.</summary>
    public int ValuesPerSample => Size * Size * Channels;
    public IReadOnlyList<EngineLayer<T>> Layers { get; }
    public int GradientSlots { get; }

    /// <summary>Worker threads used per pass (1 = run on the calling thread).</summary>
    public int Threads { get; set; }

    /// <summary>Number of stages (flows) whose layers the engine runs.</summary>
    public int Stages { get; }

    /// <summary>Seconds spent so far per stage (generation order) in generation (taped or not), inference and reverse passes.</summary>
    public FlowPassTimes PassTimes()
    {
        double[] Seconds(int pass) => Enumerable.Range(0, Stages).Select(k => _stageTicks[pass * Stages + k] / (double)System.Diagnostics.Stopwatch.Frequency).ToArray();
        return new FlowPassTimes(Seconds((int)Pass.Generate), Seconds((int)Pass.Infer), Seconds((int)Pass.Backward));
    }

    /// <summary>
    /// Most workers that ran at least one chunk of a single layer pass since this was last set to 0: tests use it to
    /// check that a multi-threaded run really shared its layers between threads.
    /// </summary>
    internal int MostBusyWorkers { get; set; }

    public FlowEngine(int size, int channels, IReadOnlyList<EngineLayer<T>> layers, int gradientSlots, int threads)
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) throw new NotSupportedException("flows run in float or double");
        Size = size;
        Stages = layers.Count == 0 ? 1 : layers.Max(l => l.Stage) + 1;
        _stageTicks = new long[3 * Stages];
        Channels = channels;
        Layers = layers;
        GradientSlots = gradientSlots;
        Threads = Math.Max(1, threads);
        _workers = new BlockWorker<T>?[Math.Max(1, Environment.ProcessorCount) * 2];
        foreach (var l in layers)
        {
            if (l.Geometry.Size != size) throw new ArgumentException("all layers must act on the engine's lattice size");
            if (l.Options.Channels != channels) throw new ArgumentException($"all layers must act on {channels} channel(s) per site");
        }
        _maxHidden = layers.Count == 0 ? 1 : layers.Max(l => l.Options.Hidden);
        _maxLayers = layers.Count == 0 ? 1 : layers.Max(l => l.Options.MlpLayers);
        _maxPacked = layers.Count == 0 ? 1 : layers.Max(l => l.Packed.Length);
        _gradientSum = new double[_maxPacked];
    }

    private BlockWorker<T> Worker(int w)
    {
        if (w >= _workers.Length) throw new InvalidOperationException("too many worker threads");
        return _workers[w] ??= new BlockWorker<T>(_maxHidden, _maxLayers, _maxPacked, Channels);
    }

    public int BatchOf(int length, string name)
    {
        int n = ValuesPerSample;
        if (length == 0 || length % n != 0)
            throw new ArgumentException(Channels == 1
                ? $"{name} has {length} values, not a positive multiple of L² = {n}"
                : $"{name} has {length} values, not a positive multiple of L²·C = {n}", name);
        return length / n;
    }

    // ───────────────────────────── public passes ─────────────────────────────

    /// <summary>x = f(z); logDet[b] = ln|det ∂x/∂z| (overwritten).</summary>
    public void Generate(ReadOnlySpan<T> z, Span<T> x, Span<double> logDet)
    {
        int batch = BatchOf(z.Length, nameof(z));
        CheckLengths(batch, x.Length, logDet.Length);
        if (!z.Overlaps(x)) z.CopyTo(x);
        logDet[..batch].Clear();
        fixed (T* px = x)
        fixed (double* pld = logDet)
            for (int k = 0; k < Layers.Count; k++) TimedLayer(Layers[k], px, batch, Pass.Generate, pld, null, null);
    }

    /// <summary>z = f⁻¹(x); logDet[b] = ln|det ∂z/∂x| (overwritten).</summary>
    public void Infer(ReadOnlySpan<T> x, Span<T> z, Span<double> logDet)
    {
        int batch = BatchOf(x.Length, nameof(x));
        CheckLengths(batch, z.Length, logDet.Length);
        if (!x.Overlaps(z)) x.CopyTo(z);
        logDet[..batch].Clear();
        fixed (T* pz = z)
        fixed (double* pld = logDet)
            for (int k = Layers.Count - 1; k >= 0; k--) TimedLayer(Layers[k], pz, batch, Pass.Infer, pld, null, null);
    }

    /// <summary>Generation that stores every layer's output in <paramref name="tape"/> for <see cref="Backward"/>.</summary>
    public void Generate(ReadOnlySpan<T> z, Span<T> x, Span<double> logDet, T[][] tape)
    {
        int batch = BatchOf(z.Length, nameof(z));
        CheckLengths(batch, x.Length, logDet.Length);
        if (tape.Length != Layers.Count) throw new ArgumentException("tape does not belong to this flow", nameof(tape));
        logDet[..batch].Clear();
        ReadOnlySpan<T> input = z;
        fixed (double* pld = logDet)
            for (int k = 0; k < Layers.Count; k++)
            {
                if (tape[k].Length != batch * ValuesPerSample) throw new ArgumentException("tape batch size differs from the input's", nameof(tape));
                input.CopyTo(tape[k]);
                fixed (T* pk = tape[k]) TimedLayer(Layers[k], pk, batch, Pass.Generate, pld, null, null);
                input = tape[k];
            }
        input.CopyTo(x);
    }

    /// <summary>
    /// Reverse-mode pass of a taped generation: from ∂ℓ/∂x and ∂ℓ/∂logDet, writes ∂ℓ/∂z (when <paramref name="gradZ"/> is
    /// non-empty) and adds ∂ℓ/∂θ to <paramref name="gradients"/>[slot] (flat layout; null slots are skipped).
    /// </summary>
    public void Backward(T[][] tape, ReadOnlySpan<T> gradX, ReadOnlySpan<double> gradLogDet, Span<T> gradZ, double[]?[] gradients, T[] work)
    {
        int batch = BatchOf(gradX.Length, nameof(gradX));
        if (gradLogDet.Length < batch) throw new ArgumentException($"gradLogDet needs {batch} entries", nameof(gradLogDet));
        if (gradZ.Length != 0 && gradZ.Length != gradX.Length) throw new ArgumentException("gradZ must be empty or as long as gradX", nameof(gradZ));
        if (tape.Length != Layers.Count) throw new ArgumentException("tape does not belong to this flow", nameof(tape));
        if (gradients.Length != GradientSlots) throw new ArgumentException($"expected {GradientSlots} gradient slots", nameof(gradients));
        if (work.Length < gradX.Length) throw new ArgumentException("work buffer too small", nameof(work));
        gradX.CopyTo(work);
        if (_gradLogDet.Length < batch) _gradLogDet = new double[batch];
        double[] gld = _gradLogDet;
        gradLogDet[..batch].CopyTo(gld);
        fixed (T* pg = work)
            for (int k = Layers.Count - 1; k >= 0; k--)
            {
                var layer = Layers[k];
                if (tape[k].Length != gradX.Length) throw new ArgumentException("tape batch size differs from the gradient's", nameof(tape));
                double[]? grad = layer.GradientSlot >= 0 ? gradients[layer.GradientSlot] : null;
                fixed (T* py = tape[k]) TimedLayer(layer, py, batch, Pass.Backward, null, pg, gld, grad);
            }
        if (gradZ.Length != 0) work.AsSpan(0, gradX.Length).CopyTo(gradZ);
    }

    private void CheckLengths(int batch, int outLength, int logDetLength)
    {
        if (outLength != batch * ValuesPerSample) throw new ArgumentException($"output needs {batch * ValuesPerSample} values, has {outLength}");
        if (logDetLength < batch) throw new ArgumentException($"logDet needs {batch} entries, has {logDetLength}");
    }

    // ───────────────────────────── one layer ─────────────────────────────

    private enum Pass { Generate, Infer, Backward }

    private void TimedLayer(EngineLayer<T> layer, T* lattice, int batch, Pass pass, double* logDet, T* grad, double[]? gradLogDet, double[]? paramGrad = null)
    {
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        RunLayer(layer, lattice, batch, pass, logDet, grad, gradLogDet, paramGrad);
        _stageTicks[(int)pass * Stages + layer.Stage] += System.Diagnostics.Stopwatch.GetTimestamp() - start;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void RunLayer(EngineLayer<T> layer, T* lattice, int batch, Pass pass, double* logDet, T* grad, double[]? gradLogDet, double[]? paramGrad = null,
        int layoutBatch = 0, T* chunkOut = null)
    {
        layer.Pack();
        int plaquettes = layer.PlaquetteCount;
        int total = batch * plaquettes;
        int blocks = (total + BlockWorker<T>.P - 1) / BlockWorker<T>.P;
        // A piece of a larger batch keeps that batch's chunk size, so its chunks are the batch's own (see BackwardChunks).
        int chunkBlocks = ChunkBlocks(BlocksOf(layoutBatch > 0 ? layoutBatch : batch, plaquettes));
        int chunks = (blocks + chunkBlocks - 1) / chunkBlocks;
        int workers = Math.Min(Threads, chunks);
        int next = 0, busy = 0;
        var o = layer.Options;
        bool wantLogDet = pass != Pass.Backward;
        bool wantParams = pass == Pass.Backward && (paramGrad is not null || chunkOut != null);
        int packedSize = layer.Packed.Length;
        if (wantLogDet && _plaquetteLogDet.Length < total) _plaquetteLogDet = GC.AllocateUninitializedArray<T>(total, pinned: true);
        if (wantParams && chunkOut == null && _chunkGradients.Length < (long)chunks * packedSize)
            _chunkGradients = GC.AllocateUninitializedArray<T>(checked(chunks * packedSize), pinned: true);
        nint latticePtr = (nint)lattice, gradPtr = (nint)grad;
        // Both buffers are pinned, so their addresses can be captured as plain numbers like the caller's spans.
        nint ldPtr = wantLogDet ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_plaquetteLogDet)) : 0;
        nint slotPtr = chunkOut != null ? (nint)chunkOut : wantParams ? (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_chunkGradients)) : 0;

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
        void Body(int w)
        {
            var worker = Worker(w);
            if (wantParams) worker.BeginGradient(o);
            bool ranChunk = false;
            fixed (T* packed = layer.Packed)
            {
                T* lat = (T*)latticePtr;
                T* g = (T*)gradPtr;
                T* ld = (T*)ldPtr;
                while (true)
                {
                    int c = Interlocked.Increment(ref next) - 1;
                    if (c >= chunks) break;
                    ranChunk = true;
                    int first = c * chunkBlocks;
                    int last = Math.Min(blocks, first + chunkBlocks);
                    for (int b = first; b < last; b++)
                    {
                        int start = b * BlockWorker<T>.P;
                        int count = Math.Min(BlockWorker<T>.P, total - start);
                        worker.Locate(layer.Sites, plaquettes, SitesPerSample, start, count);
                        worker.Gather(lat, count, gradient: false);
                        switch (pass)
                        {
                            case Pass.Generate:
                                worker.ClearLogDet();
                                worker.Forward(o, packed);
                                worker.Scatter(lat, count, gradient: false);
                                worker.StoreLogDet(ld + start, count);
                                break;
                            case Pass.Infer:
                                worker.ClearLogDet();
                                worker.Inverse(o, packed);
                                worker.Scatter(lat, count, gradient: false);
                                worker.StoreLogDet(ld + start, count);
                                break;
                            default:
                                worker.Gather(g, count, gradient: true);
                                worker.LoadLogDetGradient(gradLogDet, count);
                                worker.Backward(o, packed, wantParams);
                                worker.Scatter(g, count, gradient: true);
                                break;
                        }
                    }
                    if (wantParams) worker.StoreGradient(o, (T*)slotPtr + (long)c * packedSize);
                }
            }
            if (ranChunk) Interlocked.Increment(ref busy);
        }

        if (workers <= 1) Body(0);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, Body);
        MostBusyWorkers = Math.Max(MostBusyWorkers, busy);

        if (wantLogDet) SumLogDets((T*)ldPtr, batch, plaquettes, logDet);
        if (wantParams && chunkOut == null) SumChunkGradients(layer, (T*)slotPtr, chunks, paramGrad!);
    }

    private static int BlocksOf(int batch, int plaquettes) => (int)(((long)batch * plaquettes + BlockWorker<T>.P - 1) / BlockWorker<T>.P);

    /// <summary>Chunks of one layer's pass over <paramref name="count"/> samples cut from a batch of <paramref name="layoutBatch"/>.</summary>
    private static int PieceChunks(EngineLayer<T> layer, int count, int layoutBatch)
    {
        int chunkBlocks = ChunkBlocks(BlocksOf(layoutBatch, layer.PlaquetteCount));
        return (BlocksOf(count, layer.PlaquetteCount) + chunkBlocks - 1) / chunkBlocks;
    }

    /// <summary>
    /// Sample indices 0 … <paramref name="batch"/> at which a batch may be cut into pieces whose parameter-gradient chunks
    /// are exactly chunks of the whole batch in every layer (a piece starts on a chunk boundary of each layer).
    /// </summary>
    internal int[] ChunkBoundaries(int batch)
    {
        var cuts = new List<int>();
        for (int s = 0; s <= batch; s++)
        {
            bool aligned = s == batch;
            if (!aligned)
            {
                aligned = true;
                foreach (var layer in Layers)
                {
                    long chunkPlaquettes = (long)ChunkBlocks(BlocksOf(batch, layer.PlaquetteCount)) * BlockWorker<T>.P;
                    if ((long)s * layer.PlaquetteCount % chunkPlaquettes != 0) { aligned = false; break; }
                }
            }
            if (aligned) cuts.Add(s);
        }
        return cuts.ToArray();
    }

    /// <summary>Values <see cref="BackwardChunks"/> writes for a piece of <paramref name="count"/> samples of a batch of <paramref name="layoutBatch"/>.</summary>
    internal long ChunkPartialLength(int count, int layoutBatch)
    {
        long n = 0;
        foreach (var layer in Layers)
            if (layer.GradientSlot >= 0) n += (long)PieceChunks(layer, count, layoutBatch) * layer.Packed.Length;
        return n;
    }

    /// <summary>
    /// Reverse pass of a piece of a batch of <paramref name="layoutBatch"/> samples, cut at one of its
    /// <see cref="ChunkBoundaries"/>: instead of summing the parameter gradients, writes every chunk's float partial sums
    /// (layers in reverse order, chunks in order, packed layout) to <paramref name="partials"/>. Pieces of one batch,
    /// added in batch order by <see cref="AccumulateChunkPartials"/>, give exactly what <see cref="Backward"/> gives
    /// for the whole batch.
    /// </summary>
    internal void BackwardChunks(T[][] tape, ReadOnlySpan<T> gradX, ReadOnlySpan<double> gradLogDet, int layoutBatch, Span<T> partials, T[] work)
    {
        int batch = BatchOf(gradX.Length, nameof(gradX));
        if (gradLogDet.Length < batch) throw new ArgumentException($"gradLogDet needs {batch} entries", nameof(gradLogDet));
        if (tape.Length != Layers.Count) throw new ArgumentException("tape does not belong to this flow", nameof(tape));
        if (partials.Length != ChunkPartialLength(batch, layoutBatch)) throw new ArgumentException("partials has the wrong length", nameof(partials));
        gradX.CopyTo(work);
        if (_gradLogDet.Length < batch) _gradLogDet = new double[batch];
        double[] gld = _gradLogDet;
        gradLogDet[..batch].CopyTo(gld);
        long offset = 0;
        fixed (T* pg = work)
        fixed (T* pp = partials)
            for (int k = Layers.Count - 1; k >= 0; k--)
            {
                var layer = Layers[k];
                if (tape[k].Length != gradX.Length) throw new ArgumentException("tape batch size differs from the gradient's", nameof(tape));
                T* into = layer.GradientSlot >= 0 ? pp + offset : null;
                fixed (T* py = tape[k]) RunLayer(layer, py, batch, Pass.Backward, null, pg, gld, null, layoutBatch, into);
                if (layer.GradientSlot >= 0) offset += (long)PieceChunks(layer, batch, layoutBatch) * layer.Packed.Length;
            }
    }

    /// <summary>Length of the running per-layer sums of <see cref="AccumulateChunkPartials"/> (the packed sizes of the layers with gradients).</summary>
    internal int ChunkSumLength => Layers.Where(l => l.GradientSlot >= 0).Sum(l => l.Packed.Length);

    /// <summary>
    /// Continues the per-layer double sums <paramref name="running"/> (layers in reverse order, packed layout) with the
    /// chunk partials of one piece of <paramref name="count"/> samples (<see cref="BackwardChunks"/>): the pieces of a
    /// batch added in batch order, starting from zero, are exactly the sums <see cref="Backward"/> forms, chunk by chunk.
    /// </summary>
    internal void AccumulateChunkPartials(ReadOnlySpan<T> partials, int count, int layoutBatch, Span<double> running)
    {
        if (partials.Length != ChunkPartialLength(count, layoutBatch)) throw new ArgumentException("partials have the wrong length", nameof(partials));
        if (running.Length != ChunkSumLength) throw new ArgumentException("running sums have the wrong length", nameof(running));
        long offset = 0;
        int at = 0;
        fixed (T* src = partials)
        fixed (double* sum = running)
            for (int k = Layers.Count - 1; k >= 0; k--)
            {
                var layer = Layers[k];
                if (layer.GradientSlot < 0) continue;
                int n = layer.Packed.Length, chunks = PieceChunks(layer, count, layoutBatch);
                for (int c = 0; c < chunks; c++) AddWidened(src + offset + (long)c * n, sum + at, n);
                offset += (long)chunks * n;
                at += n;
            }
    }

    /// <summary>Adds finished per-layer sums (<see cref="AccumulateChunkPartials"/>) to <paramref name="gradients"/>, layer after layer in reverse order as <see cref="Backward"/> does.</summary>
    internal void AddChunkSums(ReadOnlySpan<double> running, double[]?[] gradients)
    {
        int at = 0;
        for (int k = Layers.Count - 1; k >= 0; k--)
        {
            var layer = Layers[k];
            if (layer.GradientSlot < 0) continue;
            int n = layer.Packed.Length;
            if (gradients[layer.GradientSlot] is { } grad)
            {
                var map = layer.PackedToFlat;
                int off = layer.ParameterOffset;
                for (int q = 0; q < n; q++) grad[off + map[q]] += running[at + q];
            }
            at += n;
        }
    }

    /// <summary>Blocks per chunk of a layer pass over <paramref name="blocks"/> blocks (independent of the thread count).</summary>
    private static int ChunkBlocks(int blocks) => Math.Clamp((blocks + TargetChunks - 1) / TargetChunks, 1, MaxChunkBlocks);

    /// <summary>Number of chunks a layer of <paramref name="plaquettes"/> plaquettes is cut into for a batch.</summary>
    internal static int ChunkCount(int batch, int plaquettes)
    {
        int blocks = (batch * plaquettes + BlockWorker<T>.P - 1) / BlockWorker<T>.P;
        int chunkBlocks = ChunkBlocks(blocks);
        return (blocks + chunkBlocks - 1) / chunkBlocks;
    }

    /// <summary>logDet[b] += Σ_q ld[b·plaquettes + q], each sample's sum formed in plaquette order.</summary>
    private static void SumLogDets(T* ld, int batch, int plaquettes, double* logDet)
    {
        for (int b = 0; b < batch; b++)
        {
            T* row = ld + (long)b * plaquettes;
            double sum = 0;
            for (int q = 0; q < plaquettes; q++) sum += double.CreateTruncating(row[q]);
            logDet[b] += sum;
        }
    }

    /// <summary>Adds the chunk slots, in chunk order and in double, to the layer's parameter gradient (flat layout).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void SumChunkGradients(EngineLayer<T> layer, T* slots, int chunks, double[] paramGrad)
    {
        int n = layer.Packed.Length;
        fixed (double* sum = _gradientSum)
        {
            new Span<double>(sum, n).Clear();
            for (int c = 0; c < chunks; c++) AddWidened(slots + (long)c * n, sum, n);
            var map = layer.PackedToFlat;
            int off = layer.ParameterOffset;
            for (int q = 0; q < n; q++) paramGrad[off + map[q]] += sum[q];
        }
    }

    /// <summary>sum[q] += (double)src[q]; element-wise, so vectorising does not change any result.</summary>
    private static void AddWidened(T* src, double* sum, int n)
    {
        int q = 0;
        if (typeof(T) == typeof(float))
        {
            float* f = (float*)src;
            for (; q + 8 <= n; q += 8)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(f + q));
                Vector256.Store(Vector256.Load(sum + q) + lo, sum + q);
                Vector256.Store(Vector256.Load(sum + q + 4) + hi, sum + q + 4);
            }
        }
        for (; q < n; q++) sum[q] += double.CreateTruncating(src[q]);
    }
}
