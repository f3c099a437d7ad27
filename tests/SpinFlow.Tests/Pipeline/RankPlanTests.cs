using SpinFlow.Pipeline;

namespace SpinFlow.Tests.Pipeline;

public sealed class RankPlanTests
{
    [Fact]
    public void AWaveOfMoreStagesThanRanksGivesEachStageToOneRankAndBalancesTheCost()
    {
        // 7 temperatures' sampling stages of unequal cost over 2 and 3 ranks.
        var costs = new[] { 5.0, 1, 4, 2, 3, 2, 1 };
        var stages = costs.Select((c, i) => new PlannedStage(i, 4, c, Shared: true)).ToArray();
        foreach (int ranks in new[] { 2, 3 })
        {
            var wave = Assert.Single(RankPlan.Assign(stages, ranks));
            Assert.Equal(Enumerable.Range(0, ranks), wave.GroupStart);
            Assert.All(wave.GroupSize, s => Assert.Equal(1, s));
            Assert.Equal(Enumerable.Range(0, costs.Length), wave.Stages.SelectMany(s => s).Order());
            var load = wave.Stages.Select(s => s.Sum(i => costs[i])).ToArray();
            // Longest-first greedy: no rank carries more than another by more than the largest stage.
            Assert.True(load.Max() - load.Min() <= costs.Max(), string.Join(", ", load));
            Assert.All(wave.Stages, s => Assert.Equal(s.Order(), s));
        }
    }

    [Fact]
    public void AWaveOfFewerStagesThanRanksSharesTheSplittableStagesAmongTheSpareRanks()
    {
        // A reference (one rank) and two sampling stages over 8 ranks: 1 + 3 + 4, contiguous from rank 0 in plan order.
        var stages = new[] { new PlannedStage(3, 2, 10, Shared: false), new PlannedStage(5, 2, 1, Shared: true), new PlannedStage(7, 2, 1, Shared: true) };
        var wave = Assert.Single(RankPlan.Assign(stages, 8));
        Assert.Equal([0, 1, 4], wave.GroupStart);
        Assert.Equal([1, 3, 4], wave.GroupSize);
        Assert.Equal([[3], [5], [7]], wave.Stages);
        Assert.Equal(1, wave.GroupOf(3));
        Assert.Equal(4, wave.LeaderOf(7));

        // Unsplittable stages only: the spare ranks idle in groups of their own.
        var idle = Assert.Single(RankPlan.Assign([new PlannedStage(0, 0, 1, Shared: false)], 3));
        Assert.Equal([1, 1, 1], idle.GroupSize);
        Assert.Equal([[0], [], []], idle.Stages);
    }

    [Fact]
    public void WavesRunInOrderAndTheAssignmentDependsOnlyOnTheStagesAndRanks()
    {
        var stages = new[] { new PlannedStage(0, 0, 1, false), new PlannedStage(1, 1, 2, true), new PlannedStage(2, 0, 3, false), new PlannedStage(3, 3, 1, true) };
        var a = RankPlan.Assign(stages, 2);
        var b = RankPlan.Assign(stages.Reverse().ToArray(), 2);
        Assert.Equal([0, 1, 3], a.Select(w => w.Wave));
        Assert.Equal(a.Select(w => w.Stages.Select(s => string.Join(",", s))), b.Select(w => w.Stages.Select(s => string.Join(",", s))));
        Assert.Equal(a.Select(w => w.GroupSize), b.Select(w => w.GroupSize));
    }

    [Fact]
    public void PipelineStagesPlacedOverAnyNumberOfRanksRunEachStageExactlyOnce()
    {
        var options = PipelineOptions.ForPreset(PipelinePreset.Paper);
        int count = PipelineRun.StageNames(options).Count;
        var stages = Enumerable.Range(0, count).Select(i => new PlannedStage(i, i % 5, 1 + i % 3, i % 2 == 0)).ToArray();
        foreach (int ranks in new[] { 1, 2, 3, 7, 14, 28, 112 })
        {
            var waves = RankPlan.Assign(stages, ranks);
            Assert.Equal(Enumerable.Range(0, count), waves.SelectMany(w => w.Stages.SelectMany(s => s)).Order());
            foreach (var w in waves)
            {
                Assert.Equal(ranks, w.GroupSize.Sum());
                Assert.Equal(w.GroupStart, w.GroupSize.Select((_, g) => w.GroupSize.Take(g).Sum()));
            }
        }
    }
}
