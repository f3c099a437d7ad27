namespace SpinFlow.Pipeline.Stages;

/// <summary>
/// Modelled cost of each stage in seconds on one core, for the ETA only: the runner rescales it by the speed it
/// measures, so only the ratios between stages matter.
/// </summary>
internal static class StageCost
{
    private const double SwSecondsPerSite = 12e-9, FlowSecondsPerSite = 1.5e-6;

    public static double Rescaling(PipelineOptions o, int temperatures) =>
        temperatures * (o.RescaleSweeps * 1.1 + 100) * 4.0 * o.BaseSize * o.BaseSize * SwSecondsPerSite * 1.5;

    public static double Reference(PipelineOptions o, int temperatures, int size) =>
        temperatures * o.ReferenceSweeps * 1.1 * size * size * SwSecondsPerSite;

    public static double InputData(PipelineOptions o) => o.DataSamples * o.BaseSize * o.BaseSize * 100e-9 + 0.5;

    public static double Training(PipelineOptions o, int level)
    {
        int size = o.SizeAt(level);
        int steps = level == 1 ? o.TrainSteps : o.TransferSteps;
        return steps * o.BatchAt(level) * (double)size * size * FlowSecondsPerSite * FlowFactor(o, size);
    }

    /// <summary>Latent HMC through the stack up to <paramref name="level"/>: every trajectory runs every flow below.</summary>
    public static double Sampling(PipelineOptions o, int level) =>
        (o.WarmUpAt(level) + o.TrajectoriesAt(level)) * (o.LeapfrogSteps + 1.0) * o.Chains * StackSites(o, level) * FlowSecondsPerSite * FlowFactor(o, o.SizeAt(level));

    public static double Generation(PipelineOptions o, int level) =>
        o.GeneratedSamples * StackSites(o, level) * FlowSecondsPerSite * FlowFactor(o, o.SizeAt(level)) * 0.3;

    private static double StackSites(PipelineOptions o, int level) =>
        Enumerable.Range(1, level).Sum(k => (double)o.SizeAt(k) * o.SizeAt(k));

    // The paper's architecture (38 400 parameters) is the unit; equivariant nets evaluate each net twice.
    private static double FlowFactor(PipelineOptions o, int size) =>
        (o.Architecture.Bijector.Equivariant ? 2 : 1) * o.Architecture.ParameterCount(size) / 38400.0;
}
