using SpinFlow.Distributed;

namespace SpinFlow.Pipeline;

/// <summary>One stage to place: its index in the run's plan, its wave, modelled cost, and whether a group of ranks can share it.</summary>
/// <param name="Index">Position in the run's plan (execution order of a single process).</param>
/// <param name="Wave">Dependency depth: every input of the stage comes from an earlier wave.</param>
/// <param name="Cost">Modelled seconds (only the ratios matter).</param>
/// <param name="Shared">True for stages whose flow work splits over a group of ranks (training, sampling, generation).</param>
public readonly record struct PlannedStage(int Index, int Wave, double Cost, bool Shared);

/// <summary>One round of a wave: the world ranks cut into contiguous groups, each with the stages it runs (in plan order).</summary>
/// <param name="GroupStart">First world rank of each group.</param>
/// <param name="GroupSize">Ranks in each group.</param>
/// <param name="Stages">Plan indices each group runs, in plan order (empty for idle ranks).</param>
public sealed record RankRound(int[] GroupStart, int[] GroupSize, int[][] Stages)
{
    /// <summary>The group of world rank <paramref name="rank"/>.</summary>
    public int GroupOf(int rank)
    {
        for (int g = 0; g < GroupStart.Length; g++)
            if (rank >= GroupStart[g] && rank < GroupStart[g] + GroupSize[g]) return g;
        throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank outside the plan");
    }

    /// <summary>True when some group has more than one rank (the round needs its own communicators).</summary>
    public bool Grouped => GroupSize.Any(s => s > 1);
}

/// <summary>The ranks of one wave: a round of stages run by single ranks, then possibly a round of stages shared by groups.</summary>
/// <param name="Wave">The wave's number.</param>
/// <param name="Rounds">The rounds, in the order each rank runs them.</param>
public sealed record WaveAssignment(int Wave, IReadOnlyList<RankRound> Rounds)
{
    /// <summary>World rank of the leader (lowest rank) of the group that runs plan stage <paramref name="index"/>.</summary>
    public int LeaderOf(int index)
    {
        foreach (var round in Rounds)
            for (int g = 0; g < round.Stages.Length; g++)
                if (Array.IndexOf(round.Stages[g], index) >= 0) return round.GroupStart[g];
        throw new ArgumentOutOfRangeException(nameof(index), index, "stage not in this wave");
    }

    /// <summary>Every stage of the wave, in plan order.</summary>
    public IEnumerable<int> AllStages => Rounds.SelectMany(r => r.Stages.SelectMany(s => s)).Order();
}

/// <summary>
/// The static, deterministic plan of which ranks run which stage. Stages go in waves of mutually independent stages (each
/// wave waits for the one before). In a wave, the big shareable stages (training, sampling, generation with a modelled
/// cost of at least a quarter of the wave's largest) are dealt to single ranks in whole rounds of P; those left over
/// (fewer than P) run last, each on an even group of all ranks; every other stage goes to a single rank first, longest
/// first, each to the least loaded rank. The plan depends only on
/// the stages and the number of ranks, and no result depends on it.
/// </summary>
public static class RankPlan
{
    private const double BigFraction = 0.25;

    /// <summary>The waves of <paramref name="stages"/> over <paramref name="ranks"/> ranks, in wave order (empty waves left out).</summary>
    public static IReadOnlyList<WaveAssignment> Assign(IReadOnlyList<PlannedStage> stages, int ranks)
    {
        ArgumentNullException.ThrowIfNull(stages);
        ArgumentOutOfRangeException.ThrowIfLessThan(ranks, 1);
        var waves = new List<WaveAssignment>();
        foreach (var wave in stages.GroupBy(s => s.Wave).OrderBy(g => g.Key))
        {
            var byCost = wave.OrderByDescending(s => s.Cost).ThenBy(s => s.Index).ToArray();
            double largest = byCost[0].Cost;
            bool Big(PlannedStage s) => s.Shared && s.Cost >= BigFraction * largest;
            var big = byCost.Where(Big).ToArray();
            int whole = big.Length / ranks * ranks;
            var singles = big.Take(whole).Concat(byCost.Where(s => !Big(s))).ToArray();
            var shared = big.Skip(whole).OrderBy(s => s.Index).ToArray();
            var rounds = new List<RankRound>();
            if (ranks == 1 || shared.Length == 0)
            {
                rounds.Add(Singles(byCost, ranks));
            }
            else
            {
                if (singles.Length > 0) rounds.Add(Singles(singles, ranks));
                rounds.Add(Grouped(shared, ranks));
            }
            waves.Add(new WaveAssignment(wave.Key, rounds));
        }
        return waves;
    }

    private static RankRound Singles(IEnumerable<PlannedStage> byCost, int ranks)
    {
        var load = new double[ranks];
        var owned = Enumerable.Range(0, ranks).Select(_ => new List<int>()).ToArray();
        foreach (var s in byCost)
        {
            int best = 0;
            for (int r = 1; r < ranks; r++) if (load[r] < load[best]) best = r;
            load[best] += s.Cost;
            owned[best].Add(s.Index);
        }
        return new RankRound(Enumerable.Range(0, ranks).ToArray(), Enumerable.Repeat(1, ranks).ToArray(), owned.Select(o => o.Order().ToArray()).ToArray());
    }

    private static RankRound Grouped(PlannedStage[] stages, int ranks)
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
        // Ranks left over (no shareable stage) idle in groups of their own.
        for (; next < ranks; next++)
        {
            start.Add(next);
            size.Add(1);
            runs.Add([]);
        }
        return new RankRound(start.ToArray(), size.ToArray(), runs.ToArray());
    }
}
