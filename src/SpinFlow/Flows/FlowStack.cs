namespace SpinFlow.Flows;

/// <summary>
/// Composition of whole flows on one lattice, e.g. Flow_16 followed by Flow_32: the last flow acts on the full S×S
/// lattice and every earlier flow of size Sᵢ on its stride-(S/Sᵢ) sublattice, which is where the next
/// super-resolution flow expects its input ξ. Generation runs the flows in list order. The latent of the stack is
/// again an S×S lattice: the first flow's latent on the coarsest sublattice, each later flow's noises around it.
/// </summary>
/// <remarks>The stack reads each flow's live parameter array, so optimiser updates to a member are seen at once.</remarks>
public sealed class FlowStack : ILatticeFlow
{
    private readonly FlowEngine<float> _engine;
    private readonly Flow[] _distinct;

    /// <summary>The member flows in generation order.</summary>
    public IReadOnlyList<Flow> Flows { get; }

    /// <summary>Sublattice stride of each member (S / Sᵢ).</summary>
    public IReadOnlyList<int> Strides { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public int Channels { get; }

    /// <inheritdoc/>
    public int Threads
    {
        get => _engine.Threads;
        set => _engine.Threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }

    /// <summary>Stacks <paramref name="flows"/> (generation order); every member's size must divide the last one's.</summary>
    public FlowStack(IReadOnlyList<Flow> flows)
    {
        ArgumentNullException.ThrowIfNull(flows);
        if (flows.Count == 0) throw new ArgumentException("a stack needs at least one flow", nameof(flows));
        Size = flows[^1].Size;
        Channels = flows[^1].Channels;
        var strides = new int[flows.Count];
        for (int i = 0; i < flows.Count; i++)
        {
            if (flows[i].Channels != Channels)
                throw new ArgumentException($"flow {i} acts on {flows[i].Channels} channel(s) per site, the last flow on {Channels}", nameof(flows));
            if (Size % flows[i].Size != 0)
                throw new ArgumentException($"flow {i} acts on {flows[i].Size}×{flows[i].Size}, which does not divide the stack's {Size}×{Size}", nameof(flows));
            strides[i] = Size / flows[i].Size;
        }
        Flows = flows.ToArray();
        Strides = strides;
        _distinct = Flows.Distinct(ReferenceEqualityComparer.Instance).Cast<Flow>().ToArray();
        var stages = Flows.Select((f, i) => (f, strides[i], f.Parameters, Array.IndexOf(_distinct, f)));
        _engine = Flow.BuildEngine(stages, Size, _distinct.Length, flows[^1].Threads);
    }

    /// <inheritdoc/>
    public FlowPassTimes PassTimes => _engine.PassTimes();

    /// <summary>Total parameters of the distinct member flows.</summary>
    public int ParameterCount => _distinct.Sum(f => f.ParameterCount);

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
        _engine.Backward(tape.Outputs, gradX, gradLogDet, gradZ, new double[]?[_distinct.Length], tape.Work);
    }

    /// <summary>
    /// Reverse mode with parameter gradients: for each member i with a non-null <paramref name="gradParameters"/>[i],
    /// writes ∂ℓ/∂θᵢ there (overwritten); a flow listed twice gets the sum, written to its first entry.
    /// </summary>
    public void Backward(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, Span<float> gradZ, IReadOnlyList<float[]?> gradParameters)
    {
        CheckTape(tape);
        ArgumentNullException.ThrowIfNull(gradParameters);
        if (gradParameters.Count != Flows.Count) throw new ArgumentException($"expected {Flows.Count} gradient arrays (null to skip a flow)", nameof(gradParameters));
        var acc = new double[]?[_distinct.Length];
        for (int i = 0; i < Flows.Count; i++)
        {
            if (gradParameters[i] is not float[] g) continue;
            if (g.Length != Flows[i].ParameterCount) throw new ArgumentException($"gradient array {i} needs {Flows[i].ParameterCount} entries", nameof(gradParameters));
            int slot = Array.IndexOf(_distinct, Flows[i]);
            acc[slot] ??= new double[g.Length];
        }
        _engine.Backward(tape.Outputs, gradX, gradLogDet, gradZ, acc, tape.Work);
        var written = new HashSet<int>();
        for (int i = 0; i < Flows.Count; i++)
        {
            if (gradParameters[i] is not float[] g) continue;
            int slot = Array.IndexOf(_distinct, Flows[i]);
            if (!written.Add(slot)) continue;
            for (int k = 0; k < g.Length; k++) g[k] = (float)acc[slot]![k];
        }
    }

    private void CheckTape(FlowTape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (!ReferenceEquals(tape.Owner, this)) throw new ArgumentException("the tape was created by another flow", nameof(tape));
    }
}
