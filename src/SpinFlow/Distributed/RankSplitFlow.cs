using SpinFlow.Flows;

namespace SpinFlow.Distributed;

/// <summary>
/// A flow whose batches are split over a group of ranks: each rank runs its contiguous rows (<see cref="RankShare"/>)
/// through the wrapped flow, then every rank receives every row. The flow treats each sample on its own (per-plaquette
/// kernels, log-dets summed per sample in plaquette order), so the rows come out bit for bit as one process would
/// compute them, for any number of ranks; all callers of the flow (latent HMC, spin moves, generation) then run on
/// every rank alike.
/// </summary>
public sealed class RankSplitFlow : ILatticeFlow
{
    private readonly ILatticeFlow _inner;
    private readonly IRanks _ranks;

    /// <summary>Splits the batches of <paramref name="inner"/> over <paramref name="ranks"/>.</summary>
    public RankSplitFlow(ILatticeFlow inner, IRanks ranks)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _ranks = ranks ?? throw new ArgumentNullException(nameof(ranks));
    }

    /// <inheritdoc/>
    public int Size => _inner.Size;

    /// <inheritdoc/>
    public int Threads
    {
        get => _inner.Threads;
        set => _inner.Threads = value;
    }

    /// <inheritdoc/>
    public int Channels => _inner.Channels;

    // Values per sample: L² sites × C channels.
    private int Sites => Size * Size * Channels;

    private (int Start, int Count, int Batch) Mine(int length)
    {
        if (length == 0 || length % Sites != 0) throw new ArgumentException($"batch has {length} values, not a positive multiple of L²·C = {Sites}");
        int batch = length / Sites;
        var (start, count) = RankShare.Of(batch, _ranks.Size, _ranks.Rank);
        return (start, count, batch);
    }

    /// <inheritdoc/>
    public void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet)
    {
        var (s, c, batch) = Mine(z.Length);
        if (c > 0) _inner.Generate(z.Slice(s * Sites, c * Sites), x.Slice(s * Sites, c * Sites), logDet.Slice(s, c));
        Gather(x, logDet, batch);
    }

    /// <inheritdoc/>
    public void Infer(ReadOnlySpan<float> x, Span<float> z, Span<double> logDet)
    {
        var (s, c, batch) = Mine(x.Length);
        if (c > 0) _inner.Infer(x.Slice(s * Sites, c * Sites), z.Slice(s * Sites, c * Sites), logDet.Slice(s, c));
        Gather(z, logDet, batch);
    }

    /// <inheritdoc/>
    public FlowTape CreateTape(int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        int count = RankShare.Of(batch, _ranks.Size, _ranks.Rank).Count;
        return new FlowTape(this, 0, batch, 0) { Inner = count > 0 ? _inner.CreateTape(count) : null };
    }

    /// <inheritdoc/>
    public void Generate(ReadOnlySpan<float> z, Span<float> x, Span<double> logDet, FlowTape tape)
    {
        var inner = InnerOf(tape, z.Length);
        var (s, c, batch) = Mine(z.Length);
        if (c > 0) _inner.Generate(z.Slice(s * Sites, c * Sites), x.Slice(s * Sites, c * Sites), logDet.Slice(s, c), inner!);
        Gather(x, logDet, batch);
    }

    /// <inheritdoc/>
    public void Backward(FlowTape tape, ReadOnlySpan<float> gradX, ReadOnlySpan<double> gradLogDet, Span<float> gradZ)
    {
        var inner = InnerOf(tape, gradX.Length);
        var (s, c, batch) = Mine(gradX.Length);
        if (c > 0) _inner.Backward(inner!, gradX.Slice(s * Sites, c * Sites), gradLogDet.Slice(s, c), gradZ.Slice(s * Sites, c * Sites));
        _ranks.AllGatherRows(gradZ, batch, Sites);
    }

    private FlowTape? InnerOf(FlowTape tape, int length)
    {
        ArgumentNullException.ThrowIfNull(tape);
        if (!ReferenceEquals(tape.Owner, this)) throw new ArgumentException("the tape was created by another flow", nameof(tape));
        if (tape.Batch * Sites != length) throw new ArgumentException("tape batch size differs from the input's", nameof(tape));
        return tape.Inner;
    }

    private void Gather(Span<float> rows, Span<double> logDet, int batch)
    {
        _ranks.AllGatherRows(rows, batch, Sites);
        _ranks.AllGatherRows(logDet, batch, 1);
    }
}
