namespace SpinFlow.Distributed;

/// <summary>
/// An MPI communicator as <see cref="IRanks"/>: the world (which initialises MPI and finalises it on dispose) or a
/// group split from it (freed on dispose). Calls come from one thread at a time (MPI_THREAD_SERIALIZED).
/// </summary>
public sealed unsafe class MpiRanks : IRanks
{
    private readonly MpiLibrary _mpi;
    private readonly bool _world;
    private readonly MpiRanks? _parent;
    private int _comm;
    private bool _communicated, _disposed;

    /// <inheritdoc/>
    public int Rank { get; }

    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public IReadOnlyList<int> WorldRanks { get; }

    /// <inheritdoc/>
    public bool Communicated => _communicated || (_parent?.Communicated ?? false);

    /// <summary>The MPI library in use.</summary>
    public string Library => _mpi.Path;

    private MpiRanks(MpiLibrary mpi, int comm, bool world, MpiRanks? parent, IReadOnlyList<int>? worldRanks)
    {
        _mpi = mpi;
        _comm = comm;
        _world = world;
        _parent = parent;
        int rank, size;
        MpiLibrary.Check(mpi.CommRank(comm, &rank), "MPI_Comm_rank");
        MpiLibrary.Check(mpi.CommSize(comm, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
        WorldRanks = worldRanks ?? Enumerable.Range(0, size).ToArray();
    }

    /// <summary>Initialises MPI (threads serialised) and returns MPI_COMM_WORLD.</summary>
    internal static MpiRanks InitializeWorld(MpiLibrary mpi)
    {
        int flag, provided;
        MpiLibrary.Check(mpi.Initialized(&flag), "MPI_Initialized");
        if (flag == 0) MpiLibrary.Check(mpi.InitThread(null, 0, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        return new MpiRanks(mpi, MpiLibrary.CommWorld, world: true, null, null);
    }

    /// <inheritdoc/>
    public void Barrier()
    {
        Touch();
        MpiLibrary.Check(_mpi.BarrierFn(_comm), "MPI_Barrier");
    }

    /// <inheritdoc/>
    public void Broadcast(Span<byte> data, int root)
    {
        Touch();
        fixed (byte* p = data)
            MpiLibrary.Check(_mpi.Bcast(p, data.Length, MpiLibrary.Byte, root, _comm), "MPI_Bcast");
    }

    /// <inheritdoc/>
    public void AllGatherInPlace(Span<byte> all, ReadOnlySpan<int> counts)
    {
        if (counts.Length != Size) throw new ArgumentException($"need one count per rank ({Size})", nameof(counts));
        var displacements = new int[Size];
        var countArray = counts.ToArray();
        long offset = 0;
        for (int r = 0; r < Size; r++)
        {
            if (offset > int.MaxValue) throw new ArgumentException("an all-gather of more than 2 GiB is not supported", nameof(counts));
            displacements[r] = (int)offset;
            offset += counts[r];
        }
        if (offset > all.Length) throw new ArgumentException($"the counts add up to {offset} bytes, the buffer has {all.Length}", nameof(all));
        Touch();
        fixed (byte* p = all)
        fixed (int* c = countArray, d = displacements)
            MpiLibrary.Check(_mpi.Allgatherv((void*)MpiLibrary.InPlace, 0, MpiLibrary.Byte, p, c, d, MpiLibrary.Byte, _comm), "MPI_Allgatherv");
    }

    /// <inheritdoc/>
    public void Send(ReadOnlySpan<byte> data, int to, int tag)
    {
        Touch();
        fixed (byte* p = data)
            MpiLibrary.Check(_mpi.SendFn(p, data.Length, MpiLibrary.Byte, to, tag, _comm), "MPI_Send");
    }

    /// <inheritdoc/>
    public void Receive(Span<byte> data, int from, int tag)
    {
        Touch();
        fixed (byte* p = data)
            MpiLibrary.Check(_mpi.Recv(p, data.Length, MpiLibrary.Byte, from, tag, _comm, MpiLibrary.StatusIgnore), "MPI_Recv");
    }

    /// <inheritdoc/>
    public bool Probe(int from, int tag)
    {
        Touch();
        int flag;
        MpiLibrary.Check(_mpi.Iprobe(from, tag, _comm, &flag, MpiLibrary.StatusIgnore), "MPI_Iprobe");
        return flag != 0;
    }

    /// <inheritdoc/>
    public IRanks Split(int color, int key)
    {
        Touch();
        int comm;
        MpiLibrary.Check(_mpi.CommSplit(_comm, color, key, &comm), "MPI_Comm_split");
        // Every member learns the world ranks of the group (its own group's members, in group order).
        var group = new MpiRanks(_mpi, comm, world: false, this, null);
        var ranks = new byte[4 * group.Size];
        BitConverter.TryWriteBytes(ranks.AsSpan(4 * group.Rank), WorldRanks[Rank]);
        group.AllGatherInPlace(ranks, Enumerable.Repeat(4, group.Size).ToArray());
        var world = Enumerable.Range(0, group.Size).Select(r => BitConverter.ToInt32(ranks, 4 * r)).ToArray();
        return new MpiRanks(_mpi, comm, world: false, this, world);
    }

    /// <inheritdoc/>
    public void Abort(int code) => _mpi.AbortFn(MpiLibrary.CommWorld, code);

    /// <summary>Frees a split group; the world finalises MPI.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_world)
        {
            int flag;
            if (_mpi.Finalized(&flag) == 0 && flag == 0) _mpi.Finalize();
        }
        else
        {
            int comm = _comm;
            _mpi.CommFree(&comm);
            _comm = comm;
        }
    }

    private void Touch() => _communicated = true;
}
