using System.Collections.Concurrent;
using SpinFlow.Distributed;

namespace SpinFlow.Tests.Distributed;

/// <summary>
/// Ranks simulated by threads of this process (a barrier per collective), so the distributed code paths run in tests
/// without an MPI launcher. Only what the trainer and the split flow use: all-gather, broadcast, point to point.
/// </summary>
internal sealed class ThreadedRanks : IRanks
{
    private sealed class Shared(int size)
    {
        public readonly Barrier Barrier = new(size);
        public readonly byte[][] Slots = new byte[size][];
        public readonly ConcurrentDictionary<(int From, int To, int Tag), BlockingCollection<byte[]>> Mail = new();
    }

    private readonly Shared _shared;

    private ThreadedRanks(Shared shared, int rank, int size)
    {
        _shared = shared;
        Rank = rank;
        Size = size;
        WorldRanks = Enumerable.Range(0, size).ToArray();
    }

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads, one per rank; returns each rank's result in rank order.</summary>
    public static T[] Run<T>(int size, Func<IRanks, T> body)
    {
        var shared = new Shared(size);
        var results = new T[size];
        var errors = new ConcurrentQueue<Exception>();
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try { results[r] = body(new ThreadedRanks(shared, r, size)); }
            catch (Exception e) { errors.Enqueue(e); shared.Barrier.Dispose(); }
        }, 16 << 20)).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (!errors.IsEmpty) throw new AggregateException(errors);
        return results;
    }

    public int Rank { get; }
    public int Size { get; }
    public IReadOnlyList<int> WorldRanks { get; }
    public bool Communicated { get; private set; }

    public void Barrier()
    {
        Communicated = true;
        _shared.Barrier.SignalAndWait();
    }

    public void Broadcast(Span<byte> data, int root)
    {
        if (Rank == root) _shared.Slots[root] = data.ToArray();
        Barrier();
        _shared.Slots[root].CopyTo(data);
        Barrier();
    }

    public void AllGatherInPlace(Span<byte> all, ReadOnlySpan<int> counts)
    {
        int offset = 0;
        var starts = new int[Size];
        for (int r = 0; r < Size; r++) { starts[r] = offset; offset += counts[r]; }
        _shared.Slots[Rank] = all.Slice(starts[Rank], counts[Rank]).ToArray();
        Barrier();
        for (int r = 0; r < Size; r++) _shared.Slots[r].CopyTo(all[starts[r]..]);
        Barrier();
    }

    public void Send(ReadOnlySpan<byte> data, int to, int tag)
    {
        Communicated = true;
        _shared.Mail.GetOrAdd((Rank, to, tag), _ => new BlockingCollection<byte[]>()).Add(data.ToArray());
    }

    public void Receive(Span<byte> data, int from, int tag)
    {
        Communicated = true;
        var message = _shared.Mail.GetOrAdd((from, Rank, tag), _ => new BlockingCollection<byte[]>()).Take();
        if (message.Length != data.Length) throw new InvalidOperationException($"expected {data.Length} bytes, got {message.Length}");
        message.CopyTo(data);
    }

    public bool Probe(int from, int tag) => _shared.Mail.TryGetValue((from, Rank, tag), out var box) && box.Count > 0;

    public IRanks Split(int color, int key) => throw new NotSupportedException("threaded ranks do not split");

    public void Abort(int code) => throw new InvalidOperationException($"abort {code}");

    public void Dispose() { }
}
