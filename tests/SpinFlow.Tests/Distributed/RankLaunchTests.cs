using System.Collections;
using SpinFlow.Distributed;

namespace SpinFlow.Tests.Distributed;

public sealed class RankLaunchTests
{
    private static Hashtable Env(params (string Name, string Value)[] vars)
    {
        var table = new Hashtable();
        foreach (var (n, v) in vars) table[n] = v;
        return table;
    }

    [Fact]
    public void WithoutALauncherOrWithOneRankTheProcessRunsAloneAndLoadsNoMpi()
    {
        Assert.IsType<SingleRank>(RankLaunch.FromEnvironment(Env()));
        Assert.IsType<SingleRank>(RankLaunch.FromEnvironment(Env(("PMI_SIZE", "1"), ("PMI_RANK", "0"))));
        // Inside a SLURM batch script (no srun step) SLURM_NTASKS is set but no step tasks: one process.
        Assert.IsType<SingleRank>(RankLaunch.FromEnvironment(Env(("SLURM_NTASKS", "28"), ("SLURM_PROCID", "0"))));
        Assert.Null(RankLaunch.LaunchedSize(Env(("SLURM_NTASKS", "28"))));
    }

    [Fact]
    public void LaunchersAreRecognisedByTheirVariables()
    {
        Assert.Equal(4, RankLaunch.LaunchedSize(Env(("PMI_SIZE", "4"), ("PMI_RANK", "2"))));
        Assert.Equal(14, RankLaunch.LaunchedSize(Env(("SLURM_PROCID", "3"), ("SLURM_STEP_NUM_TASKS", "14"))));
        Assert.Equal(2, RankLaunch.LaunchedSize(Env(("OMPI_COMM_WORLD_SIZE", "2"))));
    }

    [Fact]
    public void OpenMpisLauncherIsRefusedWithAOneLineReason()
    {
        var e = Assert.Throws<InvalidOperationException>(() => RankLaunch.FromEnvironment(Env(("OMPI_COMM_WORLD_SIZE", "2"), ("OMPI_COMM_WORLD_RANK", "0"))));
        Assert.Contains("MPICH ABI", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void SharesAreContiguousAndEven()
    {
        var shares = Enumerable.Range(0, 3).Select(r => RankShare.Of(8, 3, r)).ToArray();
        Assert.Equal([(0, 2), (2, 3), (5, 3)], shares);
        Assert.Equal((0, 0), RankShare.Of(0, 2, 0));
    }
}
