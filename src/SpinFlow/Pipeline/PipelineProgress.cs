namespace SpinFlow.Pipeline;

/// <summary>Where a pipeline run stands, for progress displays.</summary>
/// <param name="Stage">Name of the current stage (e.g. "train-T2.2692-L16").</param>
/// <param name="Kind">What the stage does: rescale, reference, data, train, sample, generate, report.</param>
/// <param name="Level">Super-resolution level of the stage (0 for stages not tied to a level).</param>
/// <param name="Temperature">Target temperature of the stage, when it has one.</param>
/// <param name="StageFraction">Fraction of the current stage done (0…1).</param>
/// <param name="StagesDone">Stages finished, skipped ones included.</param>
/// <param name="StagesTotal">Stages in the plan.</param>
/// <param name="Elapsed">Wall time of this session.</param>
/// <param name="Remaining">Estimated time to the end (from a cost model of the stages, scaled by the speed measured so far); null before anything ran.</param>
/// <param name="Finished">True for the one report sent after the stage's record was saved.</param>
public sealed record PipelineProgress(string Stage, string Kind, int Level, double? Temperature, double StageFraction,
    int StagesDone, int StagesTotal, TimeSpan Elapsed, TimeSpan? Remaining, bool Finished = false);
