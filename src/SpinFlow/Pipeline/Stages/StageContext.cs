using SpinFlow.Distributed;

namespace SpinFlow.Pipeline.Stages;

/// <summary>
/// What every stage body needs: the run's settings, its folder, its random streams and thread count, the group of ranks
/// that runs the stage, and where its files go (the run folder on rank 0, a private scratch folder on other ranks,
/// whose files rank 0 then writes into the run folder).
/// </summary>
internal sealed class StageContext(PipelineOptions options, RunFolder? run, IRanks? ranks = null, string? outputRoot = null)
{
    internal const ulong RescaleStream = 1, ReferenceStream = 2, DataStream = 3, TrainStream = 4, SampleStream = 5, GenerateStream = 6, CurveStream = 7;

    /// <summary>The run's settings.</summary>
    public PipelineOptions Options { get; } = options;

    /// <summary>The run folder (null while only planning, e.g. for stage names).</summary>
    public RunFolder Run => run ?? throw new InvalidOperationException("a stage body needs the run folder");

    /// <summary>The ranks that run this stage together (one process alone unless the pipeline runs under MPI).</summary>
    public IRanks Ranks { get; } = ranks ?? new SingleRank();

    /// <summary>The seed of one stage's stream: independent per stream kind, temperature and level, fixed by the run's seed.</summary>
    public ulong SeedOf(ulong stream, double t = 0, int level = 0) =>
        Randomness.Xoshiro256.ForStream(Options.Seed ^ (stream << 56), (ulong)BitConverter.DoubleToInt64Bits(t) ^ ((ulong)level << 48)).NextUInt64();

    /// <summary>Threads of the flows (0 in the options: the cores, shared among the ranks on this node).</summary>
    public int FlowThreads => Options.Threads == 0 ? Math.Max(1, Environment.ProcessorCount / RankLaunch.LocalRanks()) : Options.Threads;

    /// <summary>Where a stage writes the file that belongs at <paramref name="runPath"/> in the run folder.</summary>
    public string Output(string runPath)
    {
        if (outputRoot is null) return runPath;
        string path = Path.Combine(outputRoot, Path.GetRelativePath(Run.Root, runPath));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    /// <summary>
    /// The trained stack Flow_B, Flow_2B, …, up to <paramref name="level"/> for target T with its latent over the base-size
    /// data set of rung <paramref name="rung"/>, loaded as every command loads a stack (<see cref="Latent.FlowStackLoader"/>);
    /// <paramref name="inputModel"/> adds the data set's relaxed model π_ξ, which the samplers' ln p_z needs. With several
    /// ranks, the stack's batches are split over them (<see cref="RankSplitFlow"/>).
    /// </summary>
    public Latent.FlowStackSetup StackAt(double t, int level, int rung, bool inputModel)
    {
        var paths = Enumerable.Range(1, level).Select(k => Run.CheckpointPath(Options.SizeAt(k - 1), t)).ToArray();
        var setup = Latent.FlowStackLoader.Load(paths, Run.InputDataPath(Options.BaseSize, t, rung), inputModel, Options.Model);
        setup.Flow.Threads = FlowThreads;
        return Ranks.Size > 1 ? setup with { Flow = new RankSplitFlow(setup.Flow, Ranks) } : setup;
    }

    /// <summary>Path of <paramref name="path"/> relative to the run folder, as records store it.</summary>
    public string Relative(string path) => Path.GetRelativePath(Run.Root, path);
}
