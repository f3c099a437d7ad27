using SpinFlow.Distributed;

namespace SpinFlow.Pipeline;

/// <summary>One stage to place: its index in the run's plan, its wave, modelled cost, and whether a group of ranks can share it.</summary>
/// <param name="Index">Position in the run's plan (execution order of a single process).</param>
/// <param name="Wave">Dependency depth: every input of the stage comes from an earlier wave.</param>
/// <param name="Cost">Modelled seconds (only the ratios matter).</param>
/// <param name="Shared">True for stages whose flow work splits over a group of ranks (training, sampling, generation).</param>
public readonly record struct PlannedStage(int Index, int Wave, double Cost, bool Shared);

/// <summary>The ranks of one wave: contiguous groups of world ranks, each with the stages it runs (in plan order).</summary>
/// <param name="Wave">The wave's number.</param>
/// <param name="GroupStart">First world rank of each group.</param>
/// <param name="GroupSize">Ranks in each group.</param>
/// <param name="Stages">Plan indices each group runs, in plan order (empty for idle ranks).</param>
public sealed record WaveAssignment(int Wave, int[] GroupStart, int[] GroupSize, int[][] Stages)
{
    /// <summary>The group of world rank <paramref name="rank"/>.</summary>
    public int GroupOf(int rank)
    {
        for (int g = 0; g < GroupStart.Length; g++)
            if (rank >= GroupStart[g] && rank < GroupStart[g] + GroupSize[g]) return g;
        throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank outside the plan");
    }

    /// <summary>World rank of the group that runs plan stage <paramref name="index"/>'s leader (its lowest rank).</summary>
    public int LeaderOf(int index)
    {
        for (int g = 0; g < Stages.Length; g++)
            if (Array.IndexOf(Stages[g], index) >= 0) return GroupStart[g];
        throw new ArgumentOutOfRangeException(nameof(index), index, "stage not in this wave");
    }
}

/// <summary>
/// The static, deterministic plan of which ranks run which stage: stages go in waves of mutually independent stages
/// (each wave waits for the one before); a wave with at least as many stages as ranks hands whole stages to single ranks
/// (longest modelled cost first, each to the least loaded rank); a wave with fewer stages gives each unshared stage one
/// rank and splits the other ranks evenly into groups over the shared stages. The plan depends only on the stages and
/// the number of ranks, and no result depends on the plan.
/// </summary>
public static class RankPlan
{
    /// <summary>The waves of <paramref name="stages"/> over <paramref name="ranks"/> ranks, in wave order (empty waves left out).</summary>
    public static IReadOnlyList<WaveAssignment> Assign(IReadOnlyList<PlannedStage> stages, int ranks)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        var waves = new List<WaveAssignment>();
        foreach (var wave in stages.GroupBy(s => s.Wave).OrderBy(g => g.Key))
        {
            var list = wave.OrderBy(s => s.Index).ToArray();
            waves.Add(list.Length >= ranks ? Whole(wave.Key, list, ranks) : Grouped(wave.Key, list, ranks));
        }
        return waves;
    }

    private static WaveAssignment Whole(int wave, PlannedStage[] stages, int ranks)
    {
        var load = new double[ranks];
        var owned = Enumerable.Range(0, ranks).Select(_ => new List<int>()).ToArray();
        foreach (var s in stages.OrderByDescending(s => s.Cost).ThenBy(s => s.Index))
        {
            int best = 0;
            for (int r = 1; r < ranks; r++) if (load[r] < load[best]) best = r;
            load[best] += s.Cost;
            owned[best].Add(s.Index);
        }
        return new WaveAssignment(wave, Enumerable.Range(0, ranks).ToArray(), Enumerable.Repeat(1, ranks).ToArray(),
            owned.Select(o => o.Order().ToArray()).ToArray());
    }

    private static WaveAssignment Grouped(int wave, PlannedStage[] stages, int ranks)
    {
        int shared = stages.Count(s => s.Shared), spare = ranks - (stages.Length - shared);
        var start = new List<int>();
        var size = new List<int>();
        var runs = new List<int[]>();
        int next = 0, k = 0;
        foreach (var s in stages)
        {
            int n = s.Shared ? RankShare.Of(spare, shared, k++).Count : 1;
            start.Add(next);
            size.Add(n);
            runs.Add([s.Index]);
            next += n;
        }
        // Ranks left over (a wave of unshared stages only) idle in groups of their own.
        for (; next < ranks; next++)
        {
            start.Add(next);
            size.Add(1);
            runs.Add([]);
        }
        return new WaveAssignment(wave, start.ToArray(), size.ToArray(), runs.ToArray());
    }
}
