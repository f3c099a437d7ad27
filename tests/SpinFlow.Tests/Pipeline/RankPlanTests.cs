using SpinFlow.Pipeline;

namespace SpinFlow.Tests.Pipeline;

public sealed class RankPlanTests
{
    private static void AssertPartitions(RankRound round, int ranks)
    {
        Assert.Equal(ranks, round.GroupSize.Sum());
        Assert.Equal(round.GroupStart, round.GroupSize.Select((_, g) => round.GroupSize.Take(g).Sum()));
        Assert.All(round.Stages, s => Assert.Equal(s.Order(), s));
    }

    [Fact]
    public void AsManyEqualStagesAsRanksGoOneToEachRank()
    {
        var stages = Enumerable.Range(0, 7).Select(i => new PlannedStage(i, 4, 10, Shared: true)).ToArray();
        var wave = Assert.Single(RankPlan.Assign(stages, 7));
        var round = Assert.Single(wave.Rounds);
        AssertPartitions(round, 7);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => new[] { i }), round.Stages);
    }

    [Fact]
    public void BigStagesLeftOverFromWholeRoundsAreSharedByGroupsAndSmallOnesRunAlone()
    {
        // Three trainings (big) and three data stages (small) over 2 ranks: one training each, then the third on both;
        // the data stages go to single ranks beforehand, longest first to the least loaded.
        var stages = new[]
        {
            new PlannedStage(0, 2, 0.1, false), new PlannedStage(1, 2, 10, true), new PlannedStage(2, 2, 0.2, false),
            new PlannedStage(3, 2, 10, true), new PlannedStage(4, 2, 0.1, false), new PlannedStage(5, 2, 10, true),
        };
        var wave = Assert.Single(RankPlan.Assign(stages, 2));
        Assert.Equal(2, wave.Rounds.Count);
        AssertPartitions(wave.Rounds[0], 2);
        Assert.Equal([[1, 2], [0, 3, 4]], wave.Rounds[0].Stages);
        Assert.Equal([0], wave.Rounds[1].GroupStart);
        Assert.Equal([2], wave.Rounds[1].GroupSize);
        Assert.Equal([[5]], wave.Rounds[1].Stages);
        Assert.Equal(0, wave.LeaderOf(5));
        Assert.Equal(1, wave.LeaderOf(3));
        Assert.Equal(Enumerable.Range(0, 6), wave.AllStages);
    }

    [Fact]
    public void FewerBigStagesThanRanksShareAllRanksEvenly()
    {
        // A reference (unshareable) and three sampling stages over 8 ranks: the reference alone on rank 0 first, then
        // the samplings on groups of 2, 3 and 3 ranks, contiguous from rank 0 in plan order.
        var stages = new[] { new PlannedStage(3, 2, 10, false), new PlannedStage(5, 2, 9, true), new PlannedStage(7, 2, 9, true), new PlannedStage(8, 2, 9, true) };
        var wave = Assert.Single(RankPlan.Assign(stages, 8));
        Assert.Equal(2, wave.Rounds.Count);
        Assert.Equal([[3], [], [], [], [], [], [], []], wave.Rounds[0].Stages);
        var round = wave.Rounds[1];
        Assert.Equal([0, 2, 5], round.GroupStart);
        Assert.Equal([2, 3, 3], round.GroupSize);
        Assert.Equal([[5], [7], [8]], round.Stages);
        Assert.Equal(1, round.GroupOf(4));
        Assert.Equal(5, wave.LeaderOf(8));

        // Unshareable stages only: the spare ranks idle in groups of their own.
        var idle = Assert.Single(Assert.Single(RankPlan.Assign([new PlannedStage(0, 0, 1, Shared: false)], 3)).Rounds);
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
        string Describe(IReadOnlyList<WaveAssignment> w) => string.Join(" | ", w.SelectMany(x => x.Rounds).Select(r =>
            string.Join(";", r.GroupSize) + ":" + string.Join(";", r.Stages.Select(s => string.Join(",", s)))));
        Assert.Equal(Describe(a), Describe(b));
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
            Assert.Equal(Enumerable.Range(0, count), waves.SelectMany(w => w.AllStages).Order());
            foreach (var w in waves)
            {
                Assert.InRange(w.Rounds.Count, 1, 2);
                foreach (var r in w.Rounds) AssertPartitions(r, ranks);
            }
        }
    }
}
