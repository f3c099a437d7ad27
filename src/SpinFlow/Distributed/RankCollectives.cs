using System.Runtime.InteropServices;

namespace SpinFlow.Distributed;

/// <summary>Typed and variable-length forms of the <see cref="IRanks"/> collectives.</summary>
public static class RankCollectives
{
    /// <summary>
    /// Rows [start, start + count) of <paramref name="all"/> (rows of <paramref name="rowLength"/> values, split by
    /// <see cref="RankShare.Of"/> over the group) are this rank's; afterwards every rank holds every row.
    /// </summary>
    public static void AllGatherRows<T>(this IRanks ranks, Span<T> all, int rows, int rowLength) where T : unmanaged
    {
        if (ranks.Size == 1) return;
        var counts = new int[ranks.Size];
        int size = Marshal.SizeOf<T>();
        for (int r = 0; r < ranks.Size; r++) counts[r] = checked(RankShare.Of(rows, ranks.Size, r).Count * rowLength * size);
        ranks.AllGatherInPlace(MemoryMarshal.AsBytes(all[..(rows * rowLength)]), counts);
    }

    /// <summary>As <see cref="AllGatherRows{T}(IRanks, Span{T}, int, int)"/> with rank r holding <paramref name="rowCounts"/>[r] rows, in rank order.</summary>
    public static void AllGatherRows<T>(this IRanks ranks, Span<T> all, ReadOnlySpan<int> rowCounts, int rowLength) where T : unmanaged
    {
        if (ranks.Size == 1) return;
        if (rowCounts.Length != ranks.Size) throw new ArgumentException($"need one row count per rank ({ranks.Size})", nameof(rowCounts));
        var counts = new int[ranks.Size];
        int size = Marshal.SizeOf<T>(), rows = 0;
        for (int r = 0; r < ranks.Size; r++)
        {
            counts[r] = checked(rowCounts[r] * rowLength * size);
            rows += rowCounts[r];
        }
        ranks.AllGatherInPlace(MemoryMarshal.AsBytes(all[..(rows * rowLength)]), counts);
    }

    /// <summary>Every rank's <paramref name="mine"/> (any length), concatenated in rank order, on every rank.</summary>
    public static T[] AllGather<T>(this IRanks ranks, ReadOnlySpan<T> mine, out int[] counts) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        var lengths = new byte[4 * ranks.Size];
        BitConverter.TryWriteBytes(lengths.AsSpan(4 * ranks.Rank), mine.Length);
        ranks.AllGatherInPlace(lengths, Enumerable.Repeat(4, ranks.Size).ToArray());
        counts = Enumerable.Range(0, ranks.Size).Select(r => BitConverter.ToInt32(lengths, 4 * r)).ToArray();
        var all = new T[counts.Sum(c => (long)c)];
        int offset = counts.Take(ranks.Rank).Sum();
        mine.CopyTo(all.AsSpan(offset));
        ranks.AllGatherInPlace(MemoryMarshal.AsBytes(all.AsSpan()), counts.Select(c => checked(c * size)).ToArray());
        return all;
    }

    /// <summary>Rank <paramref name="root"/>'s <paramref name="data"/> (any length; ignored elsewhere) on every rank.</summary>
    public static byte[] BroadcastMessage(this IRanks ranks, byte[]? data, int root)
    {
        var length = new byte[8];
        if (ranks.Rank == root) BitConverter.TryWriteBytes(length, (long)(data ?? []).Length);
        ranks.Broadcast(length, root);
        long n = BitConverter.ToInt64(length);
        var result = ranks.Rank == root ? data ?? [] : new byte[n];
        ranks.Broadcast(result, root);
        return result;
    }

    /// <summary>Returns once a message from <paramref name="from"/> with <paramref name="tag"/> has arrived, sleeping between looks.</summary>
    public static void WaitFor(this IRanks ranks, int from, int tag)
    {
        for (int wait = 0; !ranks.Probe(from, tag); wait = Math.Min(wait + 1, 20)) Thread.Sleep(wait);
    }

    /// <summary>Every rank waits (without spinning) until all have arrived: through rank 0, by messages with <paramref name="tag"/>.</summary>
    public static void GentleBarrier(this IRanks ranks, int tag)
    {
        if (ranks.Size == 1) return;
        if (ranks.Rank == 0)
        {
            for (int r = 1; r < ranks.Size; r++) ranks.ReceiveMessage(r, tag);
            for (int r = 1; r < ranks.Size; r++) ranks.SendMessage([], r, tag);
        }
        else
        {
            ranks.SendMessage([], 0, tag);
            ranks.ReceiveMessage(0, tag);
        }
    }

    /// <summary>As <see cref="BroadcastMessage"/>, by messages with <paramref name="tag"/>, the other ranks waiting without spinning.</summary>
    public static byte[] GentleBroadcast(this IRanks ranks, byte[]? data, int tag)
    {
        if (ranks.Rank != 0) return ranks.ReceiveMessage(0, tag);
        for (int r = 1; r < ranks.Size; r++) ranks.SendMessage(data ?? [], r, tag);
        return data ?? [];
    }

    /// <summary>Sends a message of any length (its length first) to <paramref name="to"/>.</summary>
    public static void SendMessage(this IRanks ranks, byte[] data, int to, int tag)
    {
        ranks.Send(BitConverter.GetBytes((long)data.Length), to, tag);
        ranks.Send(data, to, tag);
    }

    /// <summary>
    /// Receives a message sent by <see cref="SendMessage"/>, waiting for it without spinning: MPI's blocking calls poll
    /// at full speed, which on a node shared with other work takes a core from the ranks still computing.
    /// </summary>
    public static byte[] ReceiveMessage(this IRanks ranks, int from, int tag)
    {
        WaitFor(ranks, from, tag);
        var length = new byte[8];
        ranks.Receive(length, from, tag);
        var data = new byte[BitConverter.ToInt64(length)];
        ranks.Receive(data, from, tag);
        return data;
    }
}
