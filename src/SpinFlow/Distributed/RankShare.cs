namespace SpinFlow.Distributed;

/// <summary>Static, deterministic splits of work over ranks: contiguous pieces in rank order, sizes differing by at most one.</summary>
public static class RankShare
{
    /// <summary>First item and count of rank <paramref name="rank"/>'s piece of <paramref name="items"/> items over <paramref name="ranks"/> ranks.</summary>
    public static (int Start, int Count) Of(int items, int ranks, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(items);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        if (rank < 0 || rank >= ranks) throw new ArgumentOutOfRangeException(nameof(rank), rank, $"rank must lie in 0…{ranks - 1}");
        int start = (int)((long)items * rank / ranks), end = (int)((long)items * (rank + 1) / ranks);
        return (start, end - start);
    }
}
