using SpinFlow.Flows;
using SpinFlow.IO;

namespace SpinFlow.Training;

/// <summary>How a training run begins: a new flow, the run saved in a checkpoint, or another run's parameters.</summary>
public abstract record TrainingStart
{
    private TrainingStart() { }

    /// <summary>A new flow: fresh optimiser, step 0.</summary>
    public sealed record New(Flow Flow) : TrainingStart;

    /// <summary>
    /// Continues the run saved in <paramref name="Checkpoint"/>: parameters, Adam state (fresh when none was saved), step,
    /// loss and per-step history, T_ξ and data identity. The same latent and options continue it bit for bit.
    /// </summary>
    public sealed record Resume(Checkpoint Checkpoint) : TrainingStart;

    /// <summary>
    /// Transfer learning (paper §III D): the parameters of <paramref name="Checkpoint"/> at this run's lattice size, with a
    /// fresh optimiser from step 0.
    /// </summary>
    public sealed record Transfer(Checkpoint Checkpoint) : TrainingStart;
}
