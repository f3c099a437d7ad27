namespace SpinFlow.Distributed;

/// <summary>This process alone: rank 0 of 1, every collective a copy (what runs without an MPI launcher).</summary>
public sealed class SingleRank : IRanks
{
    /// <inheritdoc/>
    public int Rank => 0;

    /// <inheritdoc/>
    public int Size => 1;

    /// <summary>This process alone; <paramref name="worldRank"/> is its rank in the job it belongs to (for records), 0 outside MPI.</summary>
    public SingleRank(int worldRank = 0) => WorldRanks = [worldRank];

    /// <inheritdoc/>
    public IReadOnlyList<int> WorldRanks { get; }

    /// <inheritdoc/>
    public bool Communicated => false;

    /// <inheritdoc/>
    public void Barrier() { }

    /// <inheritdoc/>
    public void Broadcast(Span<byte> data, int root) => CheckRank(root);

    /// <inheritdoc/>
    public void AllGatherInPlace(Span<byte> all, ReadOnlySpan<int> counts)
    {
        if (counts.Length != 1 || counts[0] > all.Length) throw new ArgumentException("one count, at most the buffer's length", nameof(counts));
    }

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<byte> data, int to, int tag) => throw new InvalidOperationException("a single process has no other rank to send to");

    /// <inheritdoc/>
    public void Receive(Span<byte> data, int from, int tag) => throw new InvalidOperationException("a single process has no other rank to receive from");

    /// <inheritdoc/>
    public bool Probe(int from, int tag) => false;

    /// <inheritdoc/>
    public IRanks Split(int color, int key) => new SingleRank(WorldRanks[0]);

    /// <inheritdoc/>
    public void Abort(int code) => Environment.Exit(code);

    /// <inheritdoc/>
    public void Dispose() { }

    private static void CheckRank(int rank)
    {
        if (rank != 0) throw new ArgumentOutOfRangeException(nameof(rank), rank, "a single process has only rank 0");
    }
}
