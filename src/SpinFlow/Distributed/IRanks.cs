namespace SpinFlow.Distributed;

/// <summary>
/// The processes a computation is spread over (an MPI communicator, or this process alone): rank and size, and the few
/// collectives SpinFlow needs. Every collective is called by every rank of the group in the same order. Passed
/// explicitly to whatever distributes work; <see cref="SingleRank"/> is the one-process group.
/// </summary>
public interface IRanks : IDisposable
{
    /// <summary>This process's rank in the group (0 … Size − 1).</summary>
    int Rank { get; }

    /// <summary>Number of processes in the group.</summary>
    int Size { get; }

    /// <summary>World ranks of the group's members, in group order (for records of who ran what).</summary>
    IReadOnlyList<int> WorldRanks { get; }

    /// <summary>True once this group or the world it came from has communicated (errors after that are not seen by every rank at once).</summary>
    bool Communicated { get; }

    /// <summary>Waits until every rank of the group has arrived.</summary>
    void Barrier();

    /// <summary>Copies <paramref name="data"/> of rank <paramref name="root"/> into every rank's <paramref name="data"/> (same length on all).</summary>
    void Broadcast(Span<byte> data, int root);

    /// <summary>
    /// Every rank's block of <paramref name="all"/>, in rank order, becomes the same on all ranks: rank r contributes
    /// <paramref name="counts"/>[r] bytes, already in place at offset Σ_{q&lt;r} counts[q] of its own <paramref name="all"/>.
    /// </summary>
    void AllGatherInPlace(Span<byte> all, ReadOnlySpan<int> counts);

    /// <summary>Sends <paramref name="data"/> to rank <paramref name="to"/>; matched by a <see cref="Receive"/> of the same length and tag.</summary>
    void Send(ReadOnlySpan<byte> data, int to, int tag);

    /// <summary>Receives exactly <paramref name="data"/>.Length bytes from rank <paramref name="from"/> with <paramref name="tag"/>.</summary>
    void Receive(Span<byte> data, int from, int tag);

    /// <summary>True when a message from rank <paramref name="from"/> with <paramref name="tag"/> is waiting to be received (does not block).</summary>
    bool Probe(int from, int tag);

    /// <summary>Collective: the ranks with the same <paramref name="color"/> form a new group, ordered by (key, rank).</summary>
    IRanks Split(int color, int key);

    /// <summary>Stops every rank of the job at once with <paramref name="code"/> (for failures the other ranks cannot see).</summary>
    void Abort(int code);
}
