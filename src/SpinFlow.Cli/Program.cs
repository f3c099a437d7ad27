using SpinFlow.Distributed;

// Under an MPI launcher every rank runs this; without one (or with one rank) the process runs alone and loads no MPI library.
IRanks ranks;
try
{
    ranks = RankLaunch.FromEnvironment();
}
catch (InvalidOperationException e)
{
    Console.Error.WriteLine($"spinflow: error: {e.Message}");
    return SpinFlow.Cli.SpinFlowCli.BadInput;
}
using (ranks)
{
    bool root = ranks.Rank == 0;
    return SpinFlow.Cli.SpinFlowCli.Run(args, Console.Out, Console.Error, interactive: root && !Console.IsOutputRedirected && !Console.IsErrorRedirected, ranks);
}
