using SpinFlow.Distributed;
using SpinFlow.Flows;
using SpinFlow.IO;
using SpinFlow.Latent;
using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Training;

namespace SpinFlow.SuperResolution;

/// <summary>Settings of <see cref="FlowTrainer"/> (DESIGN.md §6); validated on construction.</summary>
public sealed record FlowTrainerOptions
{
    /// <summary>Output temperature T_x of the 2L×2L target.</summary>
    public double Temperature { get; }
    /// <summary>Samples per step.</summary>
    public int Batch { get; }
    /// <summary>Weight γ of the magnetisation-matching term during the first <see cref="GammaSteps"/> steps.</summary>
    public double Gamma { get; }
    /// <summary>Steps (counted from step 0 of the run, resumes included) during which γ applies; 0 afterwards.</summary>
    public long GammaSteps { get; }
    /// <summary>Seed of the run; step k draws from <c>Xoshiro256.ForStream(Seed, k)</c>.</summary>
    public ulong Seed { get; }
    /// <summary>Checkpoint every this many steps during <see cref="FlowTrainer.Run"/> (0: only at the end).</summary>
    public int CheckpointEvery { get; }
    /// <summary>Adam settings for a fresh optimiser (a resumed run keeps the saved ones).</summary>
    public AdamOptions Adam { get; }
    /// <summary>The spin model whose relaxed form is the target (Ising: one value per site; clock:Q and xy: two).</summary>
    public SpinModel Model { get; }

    /// <summary>Validates and stores the settings; <paramref name="model"/> defaults to Ising.</summary>
    public FlowTrainerOptions(double temperature, int batch = 64, double gamma = 200, long gammaSteps = 100, ulong seed = 1,
        int checkpointEvery = 0, AdamOptions? adam = null, SpinModel? model = null)
    {
        if (!(temperature > 0) || !double.IsFinite(temperature)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
        if (batch < 1 || batch > 1 << 20) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be between 1 and 2^20");
        if (!(gamma >= 0) || !double.IsFinite(gamma)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be non-negative and finite");
        if (gammaSteps < 0) throw new ArgumentOutOfRangeException(nameof(gammaSteps), gammaSteps, "γ steps must be non-negative");
        if (checkpointEvery < 0) throw new ArgumentOutOfRangeException(nameof(checkpointEvery), checkpointEvery, "checkpoint interval must be non-negative");
        Temperature = temperature;
        Batch = batch;
        Gamma = gamma;
        GammaSteps = gammaSteps;
        Seed = seed;
        CheckpointEvery = checkpointEvery;
        Adam = adam ?? new AdamOptions();
        Model = model ?? SpinModel.Ising;
    }
}

/// <summary>One training step of <see cref="FlowTrainer"/> (all totals over the output lattice, not per site).</summary>
/// <param name="Step">Steps done after this one (1 for the first step).</param>
/// <param name="Loss">Objective + γ-term: the quantity minimised.</param>
/// <param name="Objective">mean over the batch of −ln|det ∂x/∂z| + E_x(x).</param>
/// <param name="Spread">Standard deviation over the batch of the per-sample −ln|det| + E_x.</param>
/// <param name="StandardError">Spread/√batch.</param>
/// <param name="Penalty">γ |⟨m⟩_in − ⟨m⟩_ds| (0 once γ is off; clock and XY: γ ‖⟨m⟩_in − ⟨m⟩_ds‖ of the 2-vectors).</param>
/// <param name="MagnetizationIn">⟨m⟩_in: batch mean of tanh ξ (clock and XY: the length ‖⟨m⟩_in‖ of the batch mean of E[s | ξ]); NaN without an input configuration (NNRG baseline).</param>
/// <param name="MagnetizationBlocked">⟨m⟩_ds: batch mean of the expected 2×2 majority block spin of x (clock and XY: the length of the mean block spin).</param>
/// <param name="Bound">−ln Z_x of the relaxed target on the output lattice: Objective ≥ Bound up to sampling noise (see <see cref="FlowTrainer"/>); NaN where ln Z_x is not known exactly (XY, clock with Q ≠ 2, 4).</param>
/// <param name="GradientNorm">Euclidean norm of ∂Loss/∂θ before the update.</param>
/// <param name="KlEstimate">Objective − Bound − H(p_z), an estimate of KL(q‖π_x) ≥ 0, when <see cref="FlowTrainer.LatentEntropy"/> is known; NaN otherwise.</param>
/// <param name="AbsMagnetizationIn">⟨|m|⟩_in: batch mean of |mean of tanh ξ over one sample|; NaN without an input configuration.</param>
/// <param name="AbsMagnetizationBlocked">⟨|m|⟩_ds: batch mean of |expected blocked magnetisation of one sample| (shows a collapse into one ordered phase, which ⟨m⟩ hides when both signs occur).</param>
/// <param name="Gamma">γ in force at this step.</param>
public readonly record struct FlowTrainingStep(long Step, double Loss, double Objective, double Spread, double StandardError,
    double Penalty, double MagnetizationIn, double MagnetizationBlocked, double Bound, double GradientNorm, double KlEstimate,
    double AbsMagnetizationIn = double.NaN, double AbsMagnetizationBlocked = double.NaN, double Gamma = 0);

/// <summary>
/// Trains the super-resolution flow Flow_L on a data set of L×L relaxed configurations ξ (paper eq. 12, DESIGN.md §6):
/// each step draws a batch of ξ with replacement and fresh Gaussian noises, composes the 2L×2L latent z, and minimises
/// mean[−ln|det ∂f/∂z| + E_x(f(z))] + γ |⟨m⟩_in − ⟨m⟩_ds| with Adam: a <see cref="ReverseKlTrainer"/> with the γ-term
/// (<see cref="MagnetizationMatching"/>) as its penalty, plus the latent draw, the γ schedule, the records and the
/// checkpoints of a run. Start, resume or transfer a run with <see cref="Start"/>. Step k uses the random stream (seed, k) only, so a
/// run resumed from a checkpoint draws what the uninterrupted run would have drawn, bit for bit, with any
/// <see cref="Flow.Threads"/>: the flow sums log-dets and parameter gradients over plaquettes in a fixed order, so the
/// thread count and the scheduling do not change a single bit. Not thread-safe.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Bound"/> = −ln Z_x of the 2L×2L target is a lower bound of <see cref="FlowTrainingStep.Objective"/>, loose by
/// the latent entropy H(p_z); with <see cref="LatentEntropy"/> set, Objective − Bound − H(p_z) estimates KL(q‖π_x)
/// (derivation in docs/FLOWS.md, "The training bound").
/// </para>
/// <para>
/// NaN/Inf in the loss or the gradient stops the run with an <see cref="InvalidOperationException"/> before the parameters
/// are updated, so neither the flow nor any checkpoint written so far is touched.
/// </para>
/// <para>
/// Where z comes from is a <see cref="LatticeDistribution"/> on the flow's lattice: a <see cref="SuperResolutionLatent"/>
/// around ξ from a data set (<see cref="DataSetDistribution"/>, the data-set constructor) or from a trained lower flow
/// (<see cref="GeneratedDistribution"/>, transfer learning, paper §III D); or <see cref="GaussianLatent"/>, z ~ N(0, I)
/// on every site, which trains the NNRG baseline. ⟨m⟩_in is taken over the flow's input sites (the stride-2 sublattice of
/// z) of a latent with <see cref="LatticeDistribution.Levels"/> ≥ 1. A latent drawn whole has no input configuration, so
/// ⟨m⟩_in is undefined and a γ-term is refused (γ = 0 or γ-steps = 0 required); the bound argument above holds unchanged
/// with H(p_z) = (N/2) ln(2πe) exactly.
/// </para>
/// </remarks>
public sealed class FlowTrainer
{
    private readonly LatticeDistribution _latent;
    private readonly ReverseKlTrainer _reverseKl;
    private readonly MagnetizationMatching _magnetization;
    private readonly float[] _z, _input;
    // Clock and XY: E[s | ξ] of the input sites, for ⟨m⟩_in.
    private readonly RelaxedBlockSpin? _inputBlock;
    private readonly List<double> _lossHistory;

    /// <summary>The flow being trained (parameters updated in place); acts on the output lattice (2L×2L for Flow_L).</summary>
    public Flow Flow => _reverseKl.Flow;
    /// <summary>The optimiser.</summary>
    public Adam Optimizer => _reverseKl.Optimizer;
    /// <summary>The settings.</summary>
    public FlowTrainerOptions Options { get; }
    /// <summary>The target energy E_x on the output lattice at T_x: the relaxed <see cref="FlowTrainerOptions.Model"/>.</summary>
    public IRelaxedModel Energy { get; }
    /// <summary>Input lattice side L of a super-resolution flow; 0 when the latent has no input configuration (NNRG baseline).</summary>
    public int InputSize { get; }
    /// <summary>Distribution of the latent z on the flow's lattice.</summary>
    public LatticeDistribution Latent => _latent;
    /// <summary>Temperature of the data set, when known (stored in checkpoints).</summary>
    public double? InputTemperature { get; set; }
    /// <summary>Identity of the training data set, when known (stored in checkpoints; a resumed run compares it with its data).</summary>
    public TrainingDataIdentity? Data { get; set; }
    /// <summary>Steps done so far.</summary>
    public long Step => _reverseKl.StepsDone;
    /// <summary>Loss of every step done so far.</summary>
    public IReadOnlyList<double> LossHistory => _lossHistory;
    /// <summary>Per-step record (loss, objective, spread, bound, KL, magnetisations, γ) of the steps this run and the runs it resumed recorded.</summary>
    public TrainingHistory History { get; }
    /// <summary>
    /// −ln Z_x of the relaxed target on the output lattice at T_x, exact (<see cref="RelaxedModels.ExactLnNormalizer"/>: the
    /// Kaufman solution for Ising and clock:2, two Ising models for clock:4); NaN for models without an exact ln Z (XY, other Q).
    /// </summary>
    public double Bound { get; }
    /// <summary>Latents z (batch × S × S × C) of the last step.</summary>
    public ReadOnlySpan<float> LastLatent => _z;
    /// <summary>∂Loss/∂θ of the last step (before the Adam update; diagnostics and tests).</summary>
    public ReadOnlySpan<float> LastParameterGradient => _reverseKl.LastParameterGradient;
    /// <summary>
    /// Entropy H(p_z) of the latent, when known (see <see cref="LatentEntropyOf"/>; initially <see cref="LatticeDistribution.Entropy"/>
    /// of the latent): the objective's minimum over all flows is Bound + H(p_z), reached at q = π_x, so each step reports
    /// Objective − Bound − H(p_z) as an estimate of KL(q‖π_x).
    /// </summary>
    public double? LatentEntropy { get; set; }
    /// <summary><see cref="Bound"/> per site of the output lattice.</summary>
    public double BoundPerSite => Bound / ((double)Flow.Size * Flow.Size);

    /// <summary>
    /// A new run for <paramref name="flow"/> (on the 2L×2L lattice) over <paramref name="count"/> configurations of L×L
    /// stored back to back in <paramref name="data"/> (not copied; must be finite).
    /// </summary>
    public FlowTrainer(Flow flow, float[] data, int count, int inputSize, FlowTrainerOptions options)
        : this(flow, DataSetLatent(flow, data, count, inputSize), options)
    {
    }

    /// <summary>
    /// A new run for <paramref name="flow"/> with latents z drawn from <paramref name="latent"/> (same lattice size): a
    /// <see cref="SuperResolutionLatent"/> for Flow_L, <see cref="GaussianLatent"/> for the NNRG baseline.
    /// </summary>
    /// <param name="ranks">When given with more than one rank: the group each step's batch is split over (data parallel, bit for bit the one-process result).</param>
    public FlowTrainer(Flow flow, LatticeDistribution latent, FlowTrainerOptions options, IRanks? ranks = null)
        : this(flow, latent, options, null, 0, null, null, ranks)
    {
    }

    // A null optimiser starts a fresh Adam; the step count and the histories continue an earlier run (see Start).
    private FlowTrainer(Flow flow, LatticeDistribution latent, FlowTrainerOptions options, Adam? optimizer,
        long startStep, IEnumerable<double>? lossHistory, TrainingHistory? history, IRanks? ranks)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(latent);
        ArgumentNullException.ThrowIfNull(options);
        if (latent.Size != flow.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} lattices; the latent source draws {latent.Size}×{latent.Size}", nameof(latent));
        if (flow.Channels != options.Model.Components)
            throw new ArgumentException($"the {options.Model.Name} model needs a flow with {options.Model.Components} values per site, this one has {flow.Channels}", nameof(flow));
        if (latent.Channels != flow.Channels)
            throw new ArgumentException($"the flow has {flow.Channels} values per site, the latent source {latent.Channels}", nameof(latent));
        if (flow.Size % 2 != 0) throw new ArgumentException($"the blocked magnetisation needs an even lattice size, got {flow.Size}", nameof(flow));
        if (latent.Levels == 0 && options.Gamma > 0 && options.GammaSteps > 0)
            throw new ArgumentException("the latent has no input configuration ξ (NNRG baseline), so ⟨m⟩_in and the γ-term are undefined: use γ = 0 or γ-steps = 0", nameof(options));

        Options = options;
        _latent = latent;
        InputSize = latent.Levels > 0 ? flow.Size / 2 : 0;
        LatentEntropy = latent.Entropy;
        _lossHistory = lossHistory?.ToList() ?? [];
        History = history ?? new TrainingHistory();
        History.Sites = flow.Size * flow.Size;
        var model = RelaxedModels.Create(options.Model, flow.Size, options.Temperature);
        Energy = model;
        Bound = -(RelaxedModels.ExactLnNormalizer(model) ?? double.NaN);
        // Without an input the term stays attached at γ = 0: it still measures ⟨m⟩_ds for the records.
        _magnetization = new MagnetizationMatching(flow.Size, options.Model);
        if (options.Model is not IsingModel) _inputBlock = new RelaxedBlockSpin(options.Model);
        _reverseKl = new ReverseKlTrainer(flow, Energy, optimizer ?? new Adam(flow.ParameterCount, options.Adam), options.Batch, _magnetization, startStep, ranks);
        _z = new float[options.Batch * flow.Size * flow.Size * flow.Channels];
        _input = new float[options.Batch * InputSize * InputSize * flow.Channels];
    }

    private static SuperResolutionLatent DataSetLatent(Flow flow, float[] data, int count, int inputSize)
    {
        ArgumentNullException.ThrowIfNull(flow);
        if (inputSize < 1 || flow.Size != 2 * inputSize)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} lattices; input size L = {inputSize} needs {2 * inputSize}×{2 * inputSize}", nameof(inputSize));
        return new SuperResolutionLatent(new DataSetDistribution(data, count, inputSize, channels: flow.Channels));
    }

    /// <summary>
    /// Starts, resumes or transfers a training run with latents from <paramref name="latent"/> (see <see cref="TrainingStart"/>).
    /// A resumed checkpoint must be at the latent's lattice size and brings back its parameters, Adam state, step, loss
    /// and per-step history (empty for checkpoints written before it was recorded), T_ξ and data identity; use the same
    /// latent and options (seed, batch, γ schedule) for an exact continuation. A transfer takes the checkpoint's parameters
    /// at the latent's size.
    /// </summary>
    /// <param name="ranks">When given with more than one rank: the group the steps are spread over (see <see cref="ReverseKlTrainer"/>).</param>
    public static FlowTrainer Start(TrainingStart start, LatticeDistribution latent, FlowTrainerOptions options, IRanks? ranks = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(latent);
        switch (start)
        {
            case TrainingStart.New(var flow):
                return new FlowTrainer(flow, latent, options, ranks);
            case TrainingStart.Transfer(var checkpoint):
                return new FlowTrainer(checkpoint.CreateFlow(latent.Size), latent, options, ranks);
            case TrainingStart.Resume(var checkpoint):
                if (checkpoint.Size != latent.Size)
                    throw new InvalidDataException($"the checkpoint holds a flow on {checkpoint.Size}×{checkpoint.Size}, the latent is {latent.Size}×{latent.Size}: " +
                        "a run resumes at its own size (start a new run from its parameters to change it)");
                var saved = TrainingMetadata.Read(checkpoint.Metadata);
                if ((saved.Model ?? SpinModel.Ising.Name) != options.Model.Name)
                    throw new InvalidDataException($"the checkpoint was trained on the {saved.Model ?? SpinModel.Ising.Name} model, not on {options.Model.Name}");
                return new FlowTrainer(checkpoint.CreateFlow(), latent, options, checkpoint.CreateOptimizer(), saved.Step, saved.LossHistory, saved.History, ranks)
                {
                    InputTemperature = saved.InputTemperature,
                    Data = saved.Data,
                };
            default:
                throw new ArgumentException($"unknown training start {start.GetType().Name}", nameof(start));
        }
    }

    /// <summary>Shorthand for <see cref="Start"/> with <see cref="TrainingStart.Resume"/>.</summary>
    public static FlowTrainer Resume(Checkpoint checkpoint, LatticeDistribution latent, FlowTrainerOptions options) =>
        Start(new TrainingStart.Resume(checkpoint), latent, options);

    /// <summary>γ in force at step index <paramref name="step"/> (0-based).</summary>
    public double GammaAt(long step) => step < Options.GammaSteps ? Options.Gamma : 0;

    /// <summary>One step: draw, generate, loss and gradient, Adam update. Throws before updating on a non-finite loss or gradient.</summary>
    public FlowTrainingStep TrainStep()
    {
        int b = Options.Batch;
        _latent.Draw(Xoshiro256.ForStream(Options.Seed, (ulong)Step), _z);
        double magIn, absMagIn;
        if (_inputBlock is null)
        {
            (magIn, absMagIn) = InputSize == 0 ? (double.NaN, double.NaN) : MagnetizationMatching.OfInput(FlowInput(), b);
            // Without an input (γ refused at construction) the term is evaluated at m_in = 0 and γ = 0 for ⟨m⟩_ds alone.
            _magnetization.InputMagnetization = double.IsNaN(magIn) ? 0 : magIn;
        }
        else
        {
            var vector = (X: 0.0, Y: 0.0);
            (magIn, absMagIn) = (double.NaN, double.NaN);
            if (InputSize > 0)
            {
                (vector, absMagIn) = MagnetizationMatching.OfInput(_inputBlock, FlowInput(), b);
                magIn = Math.Sqrt(vector.X * vector.X + vector.Y * vector.Y);
            }
            _magnetization.InputMagnetizationVector = vector;
        }
        double gamma = GammaAt(Step);
        _magnetization.Gamma = gamma;
        var r = _reverseKl.Step(_z);

        _lossHistory.Add(r.Loss);
        double kl = LatentEntropy is double h ? r.Objective - Bound - h : double.NaN;
        var blocked = _inputBlock is null ? _magnetization.BlockedMagnetization
            : Math.Sqrt(_magnetization.BlockedMagnetizationVector.X * _magnetization.BlockedMagnetizationVector.X +
                        _magnetization.BlockedMagnetizationVector.Y * _magnetization.BlockedMagnetizationVector.Y);
        var result = new FlowTrainingStep(Step, r.Loss, r.Objective, r.Spread, r.Spread / Math.Sqrt(b), r.Penalty, magIn,
            blocked, Bound, r.GradientNorm, kl, absMagIn, _magnetization.AbsBlockedMagnetization, gamma);
        History.Add(result);
        return result;
    }

    // The flow's input sites (2i, 2j) of the last latents: ξ for a one-level latent, whatever lower levels composed otherwise.
    private ReadOnlySpan<float> FlowInput()
    {
        int l = InputSize, big = 2 * l, ch = Flow.Channels;
        for (int s = 0; s < Options.Batch; s++)
            for (int i = 0; i < l; i++)
                for (int j = 0; j < l; j++)
                    for (int c = 0; c < ch; c++)
                        _input[((s * l + i) * l + j) * ch + c] = _z[((s * big + 2 * i) * big + 2 * j) * ch + c];
        return _input;
    }

    /// <summary>
    /// Runs <paramref name="steps"/> steps, reporting each to <paramref name="progress"/>; saves a checkpoint to
    /// <paramref name="checkpointPath"/> (when given) every <see cref="FlowTrainerOptions.CheckpointEvery"/> steps and at the end,
    /// and with it the per-step history to <paramref name="historyPath"/> (when given). When <paramref name="cancellation"/>
    /// fires, the step in progress is finished, the checkpoint and history are saved at <see cref="Step"/> and an
    /// <see cref="OperationCanceledException"/> is thrown: a resumed run continues exactly where this one stopped.
    /// </summary>
    public IReadOnlyList<FlowTrainingStep> Run(long steps, string? checkpointPath = null, Action<FlowTrainingStep>? progress = null,
        string? historyPath = null, CancellationToken cancellation = default)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "steps must be non-negative");
        var results = new List<FlowTrainingStep>();
        for (long k = 0; k < steps; k++)
        {
            if (cancellation.IsCancellationRequested)
            {
                Save(checkpointPath, historyPath);
                throw new OperationCanceledException($"training interrupted at step {Step}", cancellation);
            }
            var r = TrainStep();
            results.Add(r);
            progress?.Invoke(r);
            if (Options.CheckpointEvery > 0 && Step % Options.CheckpointEvery == 0 && k < steps - 1) Save(checkpointPath, historyPath);
        }
        Save(checkpointPath, historyPath);
        return results;
    }

    private void Save(string? checkpointPath, string? historyPath)
    {
        if (checkpointPath is not null) Capture().Save(checkpointPath);
        if (historyPath is not null) History.Save(historyPath);
    }

    /// <summary>The run's <see cref="TrainingMetadata"/>: step, loss and per-step history, temperatures, sizes, γ schedule, seed, bound, data identity.</summary>
    public TrainingMetadata Metadata => new()
    {
        Trainer = InputSize > 0 ? "superres-reverse-kl" : "nnrg-reverse-kl",
        Step = Step,
        LossHistory = _lossHistory.ToArray(),
        Temperature = Options.Temperature,
        InputTemperature = InputTemperature,
        OutputSize = Flow.Size,
        InputSize = InputSize > 0 ? InputSize : null,
        Seed = Options.Seed,
        Batch = Options.Batch,
        Gamma = Options.Gamma,
        GammaSteps = Options.GammaSteps,
        BoundPerSite = double.IsNaN(BoundPerSite) ? null : BoundPerSite,
        History = History,
        Data = Data,
        Model = Options.Model is IsingModel ? null : Options.Model.Name,
    };

    /// <summary>Snapshot of the flow, Adam state and <see cref="Metadata"/>.</summary>
    public Checkpoint Capture() => Checkpoint.Capture(Flow, Optimizer, Metadata.ToCheckpointMetadata());

    /// <summary>
    /// Estimate of H(p_z) = H(ξ) + (3CL²/2) ln 2πe for a data set drawn from the relaxed model <paramref name="inputModel"/>
    /// (L×L at T_ξ, with the data set's shift): H(ξ) = E[E_ξ(ξ)] + ln Z_ξ, with E[E_ξ] the data-set mean and ln Z_ξ exact
    /// (<see cref="RelaxedModels.ExactLnNormalizer"/>; a model without it throws, see <see cref="HasLatentEntropy"/>).
    /// Returns the estimate and the standard error of the data-set mean (configurations taken as independent).
    /// </summary>
    public static (double Entropy, double StandardError) LatentEntropyOf(ReadOnlySpan<float> data, int count, IRelaxedModel inputModel)
    {
        ArgumentNullException.ThrowIfNull(inputModel);
        int n = inputModel.Dimension;
        if (count < 2 || (long)count * n > data.Length) throw new ArgumentException($"need at least 2 configurations of {n} values", nameof(count));
        double lnZ = RelaxedModels.ExactLnNormalizer(inputModel)
            ?? throw new ArgumentException($"ln Z of the relaxed {inputModel.Model.Name} model is not known exactly", nameof(inputModel));
        var x = new double[n];
        double sum = 0, sumSq = 0;
        for (int c = 0; c < count; c++)
        {
            for (int i = 0; i < n; i++) x[i] = data[c * n + i];
            double e = inputModel.Energy(x);
            sum += e;
            sumSq += e * e;
        }
        double mean = sum / count;
        double variance = Math.Max(0, (sumSq - count * mean * mean) / (count - 1));
        double noise = 1.5 * n * Math.Log(2 * Math.PI * Math.E);
        return (mean + lnZ + noise, Math.Sqrt(variance / count));
    }

    /// <summary>Whether <see cref="LatentEntropyOf"/> can estimate H(p_z) for data from <paramref name="inputModel"/> (its ln Z is known exactly).</summary>
    public static bool HasLatentEntropy(IRelaxedModel inputModel) => RelaxedModels.ExactLnNormalizer(inputModel) is not null;
}
