using System.Numerics;
using SpinFlow.Randomness;

namespace SpinFlow.Flows;

/// <summary>
/// An invertible map between batches of L×L periodic lattices of C channels per site with exact log-determinants and an
/// exact reverse-mode pass. Lattices are stored sample-major, row-major within a sample, channel-minor: value
/// (b, row, col, c) at ((b·L + row)·L + col)·C + c (b·L² + row·L + col for C = 1).
/// Implementations are not thread-safe: one call at a time per instance.
/// </summary>
public interface ILatticeFlow
{
    /// <summary>Lattice side L of both the latent z and the output x.</summary>
    int Size { get; }

    /// <summary>Channels C per site (values per sample L²·C): 1 for Ising, 2 for the relaxed clock and XY fields.</summary>
    int Channels { get; }

    /// <summary>Worker threads used per call (1 = the calling thread only).</summary>
    int Threads { get; set; }

    /// <summary>Generation x = f(z) for a batch; logDet[b] = ln|det ∂x/∂z| (overwritten). z and x may be the same buffer.</summary>
    void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet);

    /// <summary>Inference z = f⁻¹(x) for a batch; logDet[b] = ln|det ∂z/∂x| = −ln|det ∂x/∂z| (overwritten).</summary>
    void Infer(ReadOnlySpan<float> x, Span<float> z, Span<double> logDet);

    /// <summary>A tape for <paramref name="batch"/> samples: the layer outputs a reverse-mode pass needs.</summary>
    FlowTape CreateTape(int batch);

    /// <summary>Generation that also records <paramref name="tape"/> for a following <see cref="Backward"/>.</summary>
    void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet, FlowTape tape);

    /// <summary>
    /// Reverse mode of the taped generation for a loss ℓ(x, logDet): from ∂ℓ/∂x and ∂ℓ/∂logDet[b] writes ∂ℓ/∂z
    /// (overwritten). Parameter gradients are not computed (see <see cref="Flow.Backward(FlowTape, ReadOnlySpan{float}, ReadOnlySpan{double}, Span{float}, Span{float})"/>).
    /// </summary>
    void Backward(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, Span<float> gradZ);

    /// <summary>Seconds spent so far in each member flow's passes (one entry for a single flow); null where not recorded.</summary>
    FlowPassTimes? PassTimes => null;
}

/// <summary>Cumulative seconds per member flow (generation order) in generation (taped or not), inference and reverse passes.</summary>
/// <param name="Forward">Generation passes x = f(z), taped or not.</param>
/// <param name="Inverse">Inference passes z = f⁻¹(x).</param>
/// <param name="Backward">Reverse-mode passes of taped generations.</param>
public sealed record FlowPassTimes(double[] Forward, double[] Inverse, double[] Backward)
{
    /// <summary>This minus an earlier reading <paramref name="before"/> of the same flow: the time spent in between.</summary>
    public FlowPassTimes Since(FlowPassTimes before)
    {
        ArgumentNullException.ThrowIfNull(before);
        static double[] Minus(double[] a, double[] b) => a.Select((v, i) => v - b[i]).ToArray();
        return new(Minus(Forward, before.Forward), Minus(Inverse, before.Inverse), Minus(Backward, before.Backward));
    }

    /// <summary>Total seconds over members and passes.</summary>
    public double Total => Forward.Sum() + Inverse.Sum() + Backward.Sum();
}

/// <summary>The layer outputs of one taped generation (activations inside a bijector are recomputed, not stored).</summary>
public sealed class FlowTape
{
    internal object Owner { get; }
    internal float[][] Outputs { get; }
    internal float[] Work { get; }
    /// <summary>The tape of the flow a wrapper delegates to (e.g. the rank's own rows), when the owner is a wrapper.</summary>
    internal FlowTape? Inner { get; init; }

    /// <summary>Number of samples the tape holds.</summary>
    public int Batch { get; }

    /// <summary>Bytes held by the tape.</summary>
    public long Bytes => 4L * (Outputs.Sum(o => (long)o.Length) + Work.Length);

    internal FlowTape(object owner, int layers, int batch, int valuesPerSample)
    {
        long n = (long)batch * valuesPerSample;
        if (n > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch × L²·C exceeds the largest array");
        Owner = owner;
        Batch = batch;
        Outputs = new float[layers][];
        for (int k = 0; k < layers; k++) Outputs[k] = new float[n];
        Work = new float[n];
    }
}

/// <summary>
/// A trainable plaquette flow: an architecture laid out on an L×L lattice and one flat float32 parameter vector
/// (bijector after bijector in the architecture's inference order, PyTorch layout inside each).
/// </summary>
public sealed class Flow : ILatticeFlow
{
    private readonly FlowEngine<float> _engine;
    private double[]? _gradientSums;

    /// <summary>The size-independent architecture.</summary>
    public FlowArchitecture Architecture { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public int Channels => Architecture.Channels;

    /// <summary>The plaquette layers in generation order (z → x).</summary>
    public IReadOnlyList<PlaquetteLayer> Layers { get; }

    /// <summary>All parameters; optimisers update this array in place and every later call sees the new values.</summary>
    public float[] Parameters { get; }

    /// <summary>Number of parameters.</summary>
    public int ParameterCount => Parameters.Length;

    /// <inheritdoc/>
    public FlowPassTimes PassTimes => _engine.PassTimes();

    /// <inheritdoc/>
    public int Threads
    {
        get => _engine.Threads;
        set => _engine.Threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }

    /// <summary>
    /// Wraps <paramref name="parameters"/> (not copied) as the parameters of <paramref name="architecture"/> on an L×L
    /// lattice; a wrong count is an <see cref="ArgumentException"/>.
    /// </summary>
    public Flow(FlowArchitecture architecture, int size, float[] parameters)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(parameters);
        architecture.ValidateSize(size);
        int expected = architecture.ParameterCount(size);
        if (parameters.Length != expected)
            throw new ArgumentException($"{architecture.Name} flow at L = {size} has {expected} parameters, got {parameters.Length}", nameof(parameters));
        Architecture = architecture;
        Size = size;
        Parameters = parameters;
        var inference = architecture.InferenceLayers(size);
        Layers = inference.Reverse().ToArray();
        _engine = BuildEngine([(this, 1, parameters, 0)], size, 1, Environment.ProcessorCount);
    }

    /// <summary>A flow with PyTorch-like initial parameters drawn from <paramref name="seed"/> (see <see cref="RealNvpBijector.Initialize"/>).</summary>
    public static Flow Create(FlowArchitecture architecture, int size, ulong seed, bool identity = false)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        var parameters = new float[architecture.ParameterCount(size)];
        var rng = new Xoshiro256(seed);
        int per = architecture.Bijector.ParameterCount;
        for (int b = 0; b < architecture.BijectorCount(size); b++)
            RealNvpBijector.Initialize(architecture.Bijector, parameters.AsSpan(b * per, per), rng, identity);
        return new Flow(architecture, size, parameters);
    }

    /// <summary>
    /// The same architecture on an L′×L′ lattice with a copy of these parameters (transfer learning). Fails when the
    /// parameter count depends on the size (an NNRG flow has one level per factor of two).
    /// </summary>
    public Flow WithSize(int size)
    {
        Architecture.ValidateSize(size);
        int n = Architecture.ParameterCount(size);
        if (n != ParameterCount)
            throw new ArgumentException($"{Architecture.Name} flow has {ParameterCount} parameters at L = {Size} but {n} at L = {size}; its parameters cannot move to that size", nameof(size));
        return new Flow(Architecture, size, (float[])Parameters.Clone()) { Threads = Threads };
    }

    /// <summary>Index range of bijector <paramref name="bijector"/> in <see cref="Parameters"/>.</summary>
    public Range BijectorParameters(int bijector)
    {
        int per = Architecture.Bijector.ParameterCount;
        if (bijector < 0 || (bijector + 1) * per > ParameterCount) throw new ArgumentOutOfRangeException(nameof(bijector));
        return new Range(bijector * per, (bijector + 1) * per);
    }

    /// <inheritdoc/>
    public void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet) => _engine.Generate(z, x, logDet);

    /// <inheritdoc/>
    public void Infer(ReadOnlySpan<float> x, Span<float> z, Span<double> logDet) => _engine.Infer(x, z, logDet);

    /// <inheritdoc/>
    public FlowTape CreateTape(int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        return new FlowTape(this, _engine.Layers.Count, batch, _engine.ValuesPerSample);
    }

    /// <inheritdoc/>
    public void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet, FlowTape tape)
    {
        CheckTape(tape);
        _engine.Generate(z, x, logDet, tape.Outputs);
    }

    /// <inheritdoc/>
    public void Backward(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, Span<float> gradZ)
    {
        CheckTape(tape);
        _engine.Backward(tape.Outputs, gradX, gradLogDet, gradZ, [null], tape.Work);
    }

    /// <summary>
    /// Reverse mode with parameter gradients: writes ∂ℓ/∂θ to <paramref name="gradParameters"/> (overwritten, summed
    /// in double over plaquettes) and ∂ℓ/∂z to <paramref name="gradZ"/> unless it is empty.
    /// </summary>
    public void Backward(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, Span<float> gradZ, Span<float> gradParameters)
    {
        CheckTape(tape);
        if (gradParameters.Length != ParameterCount) throw new ArgumentException($"gradParameters needs {ParameterCount} entries", nameof(gradParameters));
        // Reused between calls: at 63 200 parameters a fresh array would land on the large-object heap every step.
        var acc = _gradientSums ??= new double[ParameterCount];
        Array.Clear(acc);
        _engine.Backward(tape.Outputs, gradX, gradLogDet, gradZ, [acc], tape.Work);
        for (int i = 0; i < acc.Length; i++) gradParameters[i] = (float)acc[i];
    }

    /// <summary>
    /// Sample counts of <paramref name="pieces"/> contiguous pieces of a batch of <paramref name="batch"/>, as even as the
    /// flow's gradient chunks allow: each piece starts on a chunk boundary of every layer, so the pieces' chunk partial
    /// sums (<see cref="BackwardChunks"/>) are the whole batch's, whatever the number of pieces. Some pieces may be empty.
    /// </summary>
    public int[] GradientPieces(int batch, int pieces)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pieces, 1);
        int[] cuts = _engine.ChunkBoundaries(batch);
        var counts = new int[pieces];
        int previous = 0;
        for (int p = 0; p < pieces; p++)
        {
            long target = (long)batch * (p + 1) / pieces;
            // The boundary nearest the even split (ties: the lower one); the last piece ends at the batch's end.
            int end = p == pieces - 1 ? batch : cuts.Where(c => c >= previous).MinBy(c => Math.Abs(c - target));
            counts[p] = end - previous;
            previous = end;
        }
        return counts;
    }

    /// <summary>Floats <see cref="BackwardChunks"/> writes for a piece of <paramref name="count"/> samples of a batch of <paramref name="batch"/>.</summary>
    public long ChunkPartialLength(int count, int batch) => _engine.ChunkPartialLength(count, batch);

    /// <summary>
    /// Reverse mode of a taped generation of one piece (from <see cref="GradientPieces"/>) of a batch of
    /// <paramref name="batch"/> samples: the parameter gradient is left as float partial sums per chunk in
    /// <paramref name="partials"/>, to be added over all pieces by <see cref="AccumulateChunkPartials"/>.
    /// </summary>
    public void BackwardChunks(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, int batch, Span<float> partials)
    {
        CheckTape(tape);
        _engine.BackwardChunks(tape.Outputs, gradX, gradLogDet, batch, partials, tape.Work);
    }

    /// <summary>Length of the running sums of <see cref="AccumulateChunkPartials"/>.</summary>
    public int ChunkSumLength => _engine.ChunkSumLength;

    /// <summary>
    /// Adds one piece's chunk partials (<see cref="BackwardChunks"/>, <paramref name="count"/> samples of a batch of
    /// <paramref name="batch"/>) to the running double sums <paramref name="running"/>. Started from zeros and fed the
    /// pieces of a batch in batch order (on one rank, or passed from rank to rank), they hold exactly the sums of the
    /// one-piece reverse pass; <see cref="GradientFromChunkSums"/> then gives its gradient, bit for bit.
    /// </summary>
    public void AccumulateChunkPartials(ReadOnlySpan<float> partials, int count, int batch, Span<double> running) =>
        _engine.AccumulateChunkPartials(partials, count, batch, running);

    /// <summary>
    /// ∂ℓ/∂θ from the finished running sums of all pieces: what
    /// <see cref="Backward(FlowTape, ReadOnlySpan{float}, ReadOnlySpan{double}, Span{float}, Span{float})"/> writes for the
    /// whole batch.
    /// </summary>
    public void GradientFromChunkSums(ReadOnlySpan<double> running, Span<float> gradParameters)
    {
        if (gradParameters.Length != ParameterCount) throw new ArgumentException($"gradParameters needs {ParameterCount} entries", nameof(gradParameters));
        var acc = _gradientSums ??= new double[ParameterCount];
        Array.Clear(acc);
        _engine.AddChunkSums(running, [acc]);
        for (int i = 0; i < acc.Length; i++) gradParameters[i] = (float)acc[i];
    }

    /// <summary>MLP floating-point operations (2 per multiply–add, active weights only) of one generation of one sample.</summary>
    public double MlpFlopsPerSample() => MlpFlops(_engine.Layers);

    private void CheckTape(FlowTape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (!ReferenceEquals(tape.Owner, this)) throw new ArgumentException("the tape was created by another flow", nameof(tape));
    }

    /// <summary>The same computation in another precision on a copy of the parameters (tests check float against double).</summary>
    internal FlowEngine<T> CreateEngine<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        var p = new T[ParameterCount];
        for (int i = 0; i < p.Length; i++) p[i] = T.CreateTruncating(Parameters[i]);
        return BuildEngine([(this, 1, p, 0)], Size, 1, Threads);
    }

    internal FlowEngine<float> Engine => _engine;

    /// <summary>
    /// Lays out the layers of several flows (each on the stride-s sublattice of an L×L lattice) as one engine; all flows
    /// must act on the same number of channels.
    /// </summary>
    internal static FlowEngine<T> BuildEngine<T>(IEnumerable<(Flow Flow, int Stride, T[] Parameters, int Slot)> stages, int size, int slots, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var layers = new List<EngineLayer<T>>();
        int channels = 0;
        int stage = 0;
        foreach (var (flow, stride, parameters, slot) in stages)
        {
            if (channels != 0 && flow.Channels != channels) throw new ArgumentException("all flows of an engine must act on the same number of channels");
            channels = flow.Channels;
            var o = flow.Architecture.Bijector;
            int[] map = RealNvpBijector.PackedToFlat(o);
            foreach (var layer in flow.Layers)
            {
                var g = layer.Embed(stride);
                layers.Add(new EngineLayer<T>
                {
                    Geometry = g,
                    Sites = g.Sites(),
                    Options = o,
                    PackedToFlat = map,
                    Parameters = parameters,
                    ParameterOffset = layer.Bijector * o.ParameterCount,
                    GradientSlot = slot,
                    Packed = new T[map.Length],
                    Stage = stage,
                });
            }
            stage++;
        }
        return new FlowEngine<T>(size, Math.Max(1, channels), layers, slots, threads);
    }

    internal static double MlpFlops<T>(IEnumerable<EngineLayer<T>> layers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double total = 0;
        foreach (var l in layers)
        {
            var o = l.Options;
            int h = o.Hidden;
            double macsPerNet = 2 * o.Channels * h + (o.MlpLayers - 1) * (double)h * h + 2 * o.Channels * h;
            double copies = o.Equivariant ? 2 : 1;
            total += l.PlaquetteCount * o.Couplings * 2 * copies * macsPerNet * 2;
        }
        return total;
    }
}
