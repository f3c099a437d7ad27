using System.Diagnostics;
using SpinFlow.Distributed;
using SpinFlow.Flows;

namespace SpinFlow.Training;

/// <summary>Outcome of one training step (batch means, in double).</summary>
/// <param name="Loss">Objective + penalty, plus the mean latent log-density when one was given: the reported loss.</param>
/// <param name="Objective">mean(−ln|det ∂x/∂z| + E(x)) over the batch.</param>
/// <param name="Spread">Standard deviation over the batch of the per-sample −ln|det ∂x/∂z| + E(x) (0 for a batch of one).</param>
/// <param name="Penalty">The penalty term (0 without one).</param>
/// <param name="MeanEnergy">mean E(x).</param>
/// <param name="MeanLogDet">mean ln|det ∂x/∂z|.</param>
/// <param name="GradientNorm">Euclidean norm of ∂Loss/∂θ before the update.</param>
/// <param name="Timing">Wall time of the phases of the step.</param>
public readonly record struct TrainingStepResult(double Loss, double Objective, double Spread, double Penalty, double MeanEnergy,
    double MeanLogDet, double GradientNorm, StepTiming Timing);

/// <summary>Wall time spent in each phase of a training step.</summary>
public readonly record struct StepTiming(TimeSpan Generate, TimeSpan Energy, TimeSpan Backward, TimeSpan Optimizer)
{
    /// <summary>Sum of the phases.</summary>
    public TimeSpan Total => Generate + Energy + Backward + Optimizer;
}

/// <summary>
/// Reverse-KL training of a flow (DESIGN.md §6, paper eq. 7/12): per step, x = f_θ(z) for a given batch of latents,
/// loss = mean(−ln|det ∂x/∂z| + E(x)) + an optional <see cref="ILossPenalty"/> of x, exact gradient by one reverse pass,
/// one optimiser update. A non-finite loss or gradient throws before the update, so the parameters and the optimiser are
/// left as they were. Buffers are allocated once; not thread-safe.
/// </summary>
/// <remarks>
/// Data-parallel over a group of ranks: each rank generates and back-propagates its piece of the batch
/// (<see cref="Flow.GradientPieces"/>), the pieces' outputs are gathered, and the per-chunk gradient partial sums are
/// added in the batch's chunk order, which is what one process adds, by passing the running sums from rank to rank: the
/// step, and so the whole run, is bit for bit the same for any number of ranks. The loss terms are evaluated on the whole batch on every rank.
/// </remarks>
public sealed class ReverseKlTrainer
{
    private readonly float[] _x, _gradX, _gradParameters;
    private readonly double[] _logDet, _energy, _gradLogDet, _gradPenalty;
    private readonly FlowTape? _tape;
    private readonly IRanks? _ranks;
    private readonly int[] _pieces = [];
    private readonly int _first, _count;
    private readonly float[] _partials = [];
    private readonly double[] _running;
    private const int ChunkSumTag = 1;

    /// <summary>The flow being trained (its parameters are updated in place).</summary>
    public Flow Flow { get; }
    /// <summary>The target energy E_x.</summary>
    public ILatticeEnergy Energy { get; }
    /// <summary>The optimiser.</summary>
    public Adam Optimizer { get; }
    /// <summary>Samples per step.</summary>
    public int Batch { get; }
    /// <summary>The term added to the loss, or null.</summary>
    public ILossPenalty? Penalty { get; }
    /// <summary>Steps done (updates applied), counting those of the run this one continues.</summary>
    public long StepsDone { get; private set; }

    /// <summary>Output lattices of the last step (batch × L²·C).</summary>
    public ReadOnlySpan<float> LastSamples => _x;

    /// <summary>Per-sample log-dets of the last step.</summary>
    public ReadOnlySpan<double> LastLogDet => _logDet;

    /// <summary>∂Loss/∂θ of the last step (before the optimiser update).</summary>
    public ReadOnlySpan<float> LastParameterGradient => _gradParameters;

    /// <summary>Bytes of the reverse-mode tape (stored layer outputs).</summary>
    public long TapeBytes => _tape?.Bytes ?? 0;

    /// <summary>
    /// Sets up buffers for batches of <paramref name="batch"/> samples; <paramref name="penalty"/>, when given, is added to
    /// the loss; <paramref name="stepsDone"/> continues the step count of an earlier run.
    /// </summary>
    /// <param name="ranks">When given with more than one rank, the group the batch is split over (every member constructs the trainer alike).</param>
    public ReverseKlTrainer(Flow flow, ILatticeEnergy energy, Adam optimizer, int batch, ILossPenalty? penalty = null, long stepsDone = 0, IRanks? ranks = null)
    {
        Flow = flow ?? throw new ArgumentNullException(nameof(flow));
        Energy = energy ?? throw new ArgumentNullException(nameof(energy));
        Optimizer = optimizer ?? throw new ArgumentNullException(nameof(optimizer));
        if (energy.Size != flow.Size) throw new ArgumentException($"energy is for {energy.Size}×{energy.Size} lattices, the flow for {flow.Size}×{flow.Size}");
        if (energy.Channels != flow.Channels) throw new ArgumentException($"energy is for {energy.Channels} channel(s) per site, the flow for {flow.Channels}");
        if (optimizer.ParameterCount != flow.ParameterCount)
            throw new ArgumentException($"optimiser holds {optimizer.ParameterCount} parameters, the flow {flow.ParameterCount}", nameof(optimizer));
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be at least 1");
        if (stepsDone < 0) throw new ArgumentOutOfRangeException(nameof(stepsDone), stepsDone, "steps done must be non-negative");
        Batch = batch;
        Penalty = penalty;
        StepsDone = stepsDone;
        int n = flow.Size * flow.Size * flow.Channels;
        _x = new float[batch * n];
        _gradX = new float[batch * n];
        _gradParameters = new float[flow.ParameterCount];
        _logDet = new double[batch];
        _energy = new double[batch];
        _gradLogDet = new double[batch];
        _gradPenalty = penalty is null ? [] : new double[batch * n];
        _first = 0;
        _count = batch;
        if (ranks is { Size: > 1 })
        {
            _ranks = ranks;
            _pieces = flow.GradientPieces(batch, ranks.Size);
            _first = _pieces.Take(ranks.Rank).Sum();
            _count = _pieces[ranks.Rank];
            _partials = new float[flow.ChunkPartialLength(_count, batch)];
        }
        _tape = _count > 0 ? flow.CreateTape(_count) : null;
        _running = _ranks is null ? [] : new double[flow.ChunkSumLength];
    }

    // The one-process sums run over the chunks in batch order; the pieces are in rank order, so the running sums pass
    // from rank to rank (one vector of the layers' sizes, not every chunk), and the last rank sends out the gradient.
    private void CombineChunks(IRanks ranks)
    {
        var running = System.Runtime.InteropServices.MemoryMarshal.AsBytes(_running.AsSpan());
        if (ranks.Rank == 0) Array.Clear(_running);
        else ranks.Receive(running, ranks.Rank - 1, ChunkSumTag);
        if (_count > 0) Flow.AccumulateChunkPartials(_partials, _count, Batch, _running);
        if (ranks.Rank < ranks.Size - 1) ranks.Send(running, ranks.Rank + 1, ChunkSumTag);
        else Flow.GradientFromChunkSums(_running, _gradParameters);
        ranks.Broadcast(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_gradParameters.AsSpan()), ranks.Size - 1);
    }

    /// <summary>
    /// One step on the latents <paramref name="z"/> (batch × L²·C). <paramref name="latentLogDensity"/>, when given
    /// (ln p_z per sample), is only added to the reported loss: it does not depend on θ. Throws
    /// <see cref="InvalidOperationException"/> before the update on a non-finite loss or gradient.
    /// </summary>
    public TrainingStepResult Step(ReadOnlySpan<float> z, ReadOnlySpan<double> latentLogDensity = default)
    {
        if (z.Length != _x.Length) throw new ArgumentException($"z needs {_x.Length} values (batch {Batch} × L²·C), got {z.Length}", nameof(z));
        if (latentLogDensity.Length != 0 && latentLogDensity.Length != Batch) throw new ArgumentException($"latentLogDensity needs {Batch} entries", nameof(latentLogDensity));
        long t0 = Stopwatch.GetTimestamp();
        int n = Flow.Size * Flow.Size * Flow.Channels;
        if (_ranks is null)
        {
            Flow.Generate(z, _x, _logDet, _tape!);
        }
        else
        {
            if (_count > 0) Flow.Generate(z.Slice(_first * n, _count * n), _x.AsSpan(_first * n, _count * n), _logDet.AsSpan(_first, _count), _tape!);
            _ranks.AllGatherRows<float>(_x, _pieces, n);
            _ranks.AllGatherRows<double>(_logDet, _pieces, 1);
        }
        long t1 = Stopwatch.GetTimestamp();
        Energy.EnergyAndGradient(_x, _energy, _gradX);

        double inv = 1.0 / Batch;
        double objective = 0, meanE = 0, meanLd = 0, meanLatent = 0;
        for (int b = 0; b < Batch; b++)
        {
            objective += (_energy[b] - _logDet[b]) * inv;
            meanE += _energy[b] * inv;
            meanLd += _logDet[b] * inv;
            if (latentLogDensity.Length != 0) meanLatent += latentLogDensity[b] * inv;
        }
        double var = 0;
        for (int b = 0; b < Batch; b++)
        {
            double d = _energy[b] - _logDet[b] - objective;
            var += d * d;
        }
        double spread = Batch > 1 ? Math.Sqrt(var / (Batch - 1)) : 0;
        double penalty = Penalty?.Evaluate(_x, _gradPenalty) ?? 0;
        double loss = objective + penalty;
        if (latentLogDensity.Length != 0) loss += meanLatent;
        if (!double.IsFinite(loss))
            throw new InvalidOperationException($"training diverged at step {StepsDone + 1}: loss is {loss} (objective {objective}" +
                (Penalty is null ? "" : $", {Penalty.Name} {penalty}") + "); parameters and checkpoints left as they were");

        // The loss is a batch mean: E's per-sample gradient takes 1/batch, the penalty's gradient is already that of a batch term.
        float invF = (float)inv;
        if (Penalty is null)
            for (int i = 0; i < _gradX.Length; i++) _gradX[i] *= invF;
        else
            for (int i = 0; i < _gradX.Length; i++) _gradX[i] = _gradX[i] * invF + (float)_gradPenalty[i];
        for (int b = 0; b < Batch; b++) _gradLogDet[b] = -inv;
        long t2 = Stopwatch.GetTimestamp();
        if (_ranks is null)
        {
            Flow.Backward(_tape!, _gradX, _gradLogDet, default, _gradParameters);
        }
        else
        {
            if (_count > 0) Flow.BackwardChunks(_tape!, _gradX.AsSpan(_first * n, _count * n), _gradLogDet.AsSpan(_first, _count), Batch, _partials);
            CombineChunks(_ranks);
        }
        long t3 = Stopwatch.GetTimestamp();
        double norm = 0;
        foreach (float g in _gradParameters) norm += (double)g * g;
        norm = Math.Sqrt(norm);
        if (!double.IsFinite(norm))
            throw new InvalidOperationException($"training diverged at step {StepsDone + 1}: the parameter gradient is not finite (loss {loss}); parameters and checkpoints left as they were");
        Optimizer.Update(Flow.Parameters, _gradParameters);
        StepsDone++;
        long t4 = Stopwatch.GetTimestamp();
        var timing = new StepTiming(Stopwatch.GetElapsedTime(t0, t1), Stopwatch.GetElapsedTime(t1, t2), Stopwatch.GetElapsedTime(t2, t3), Stopwatch.GetElapsedTime(t3, t4));
        return new TrainingStepResult(loss, objective, spread, penalty, meanE, meanLd, norm, timing);
    }
}
