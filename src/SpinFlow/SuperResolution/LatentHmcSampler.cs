using System.Diagnostics;
using SpinFlow.Flows;
using SpinFlow.Hmc;
using SpinFlow.Latent;
using SpinFlow.Numerics;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>Settings of latent HMC through a super-resolution flow; validated on construction.</summary>
public sealed record LatentHmcOptions
{
    /// <summary>Independent chains, advanced together (one batch row each).</summary>
    public int Chains { get; }
    /// <summary>Warm-up trajectories per chain (step size tuned, not measured for observables).</summary>
    public int WarmUp { get; }
    /// <summary>Measured trajectories per chain (step size fixed).</summary>
    public int Trajectories { get; }
    /// <summary>HMC settings (leapfrog steps, starting step size, tuning target).</summary>
    public HmcOptions Hmc { get; }
    /// <summary>Seed of the starting points, the HMC chains and the measurements.</summary>
    public ulong Seed { get; }
    /// <summary>Keep every chain's E[m² | x] and E[e | x] at every step (<see cref="FlowSamplerResult.ChainM2Trace"/>); memory grows as steps × chains.</summary>
    public bool RecordChains { get; }
    /// <summary>
    /// A mass per latent level (ξ and the noises of each flow of a super-resolution stack): halfway through the warm-up the
    /// curvature of U is measured on each level and every level gets the scale 1/√κ relative to the finest noises, then the
    /// step size is tuned again. Through a stack of flows above T_c the coarse latents become far stiffer than the fine
    /// ones (DESIGN.md §8), and one global ε is set by them. Fixed during measurement, so the chain stays exact.
    /// </summary>
    public bool MassPerLevel { get; }
    /// <summary>
    /// Metropolis sweeps of the generated lattice's spins after every trajectory (<see cref="LatentSpinMove"/>: x = F(z),
    /// s | x, sweeps, x | s, z = F⁻¹(x)); 0 for pure latent HMC. Exact for any value: the move leaves π_x invariant.
    /// </summary>
    public int SpinSweeps { get; }
    /// <summary>
    /// With <see cref="SpinSweeps"/>: Wolff cluster reflections of the spins after the sweeps of every spin move (clock and
    /// XY models). Local sweeps keep the winding of the angle field around the torus; a flow can start a chain in a
    /// twisted sector that they never leave. Exact for any value.
    /// </summary>
    public int SpinClusters { get; }
    /// <summary>
    /// When all chains' starting draws z ~ p_z share the sign of their input magnetisation, negate every other chain's z so
    /// that both signs start (<see cref="Latent.DispersedStarts"/>); false keeps the draws as they are.
    /// </summary>
    public bool DispersedStarts { get; }

    /// <summary>
    /// With <see cref="MassPerLevel"/>: exponent w of the size weighting of each level's scale, s_k = (n_f / n_k)^w / √κ_k,
    /// n_k the latent values on level k and n_f on the finest. 0 (default) gives every level the same effective curvature;
    /// 1/4 gives every level the same share of the leapfrog energy error (∝ n_k (s_k² κ_k)² ε⁴), so the few coarse latents
    /// (ξ: 1/64 of a 128×128 stack's) take larger steps at almost no cost in ε. Any fixed value keeps the chain exact.
    /// </summary>
    public double LevelSizeWeighting { get; }

    /// <summary>
    /// With <see cref="MassPerLevel"/>: each level's mass is diagonal in Fourier space on its grids of sites (ξ one L0×L0 grid,
    /// each flow's noises three), with one scale 1/√κ per shell of wave vectors measured like the level's curvature
    /// (<see cref="FourierShells"/>). The long-wavelength modes of ξ, which carry the magnetisation of the generated lattice,
    /// are far softer than its staggered modes, which set a level's mean curvature; a scale per shell lets them move
    /// as far as their own stiffness allows. Fixed during measurement, so the chain stays exact.
    /// </summary>
    public bool FourierMass { get; }

    /// <summary>Validates and stores the settings; bad values throw <see cref="ArgumentException"/> with a one-line message.</summary>
    public LatentHmcOptions(int chains, int warmUp, int trajectories, HmcOptions? hmc = null, ulong seed = 1, bool recordChains = false, bool massPerLevel = false, int spinSweeps = 0,
        bool dispersedStarts = true, double levelSizeWeighting = 0, bool fourierMass = false, int spinClusters = 0)
    {
        if (spinClusters < 0) throw new ArgumentOutOfRangeException(nameof(spinClusters), spinClusters, "cluster reflections per spin move must be non-negative");
        if (spinClusters > 0 && spinSweeps == 0) throw new ArgumentException("cluster reflections are part of the spin move: they need spin sweeps", nameof(spinClusters));
        if (fourierMass && !massPerLevel) throw new ArgumentException("a Fourier mass is a mass per level: it needs massPerLevel", nameof(fourierMass));
        if (!(levelSizeWeighting >= 0 && levelSizeWeighting <= 0.5))
            throw new ArgumentOutOfRangeException(nameof(levelSizeWeighting), levelSizeWeighting, "the level size weighting must lie in [0, 0.5]");
        if (spinSweeps < 0) throw new ArgumentOutOfRangeException(nameof(spinSweeps), spinSweeps, "spin sweeps per trajectory must be non-negative");
        if (massPerLevel && warmUp < 4) throw new ArgumentOutOfRangeException(nameof(warmUp), warmUp, "a mass per level needs at least 4 warm-up trajectories (half to measure, half to retune ε)");
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (warmUp < 0) throw new ArgumentOutOfRangeException(nameof(warmUp), warmUp, "warm-up must be non-negative");
        if (trajectories < 4) throw new ArgumentOutOfRangeException(nameof(trajectories), trajectories, "need at least 4 measured trajectories for error bars");
        hmc ??= new HmcOptions();
        hmc.Validate();
        Chains = chains;
        WarmUp = warmUp;
        Trajectories = trajectories;
        Hmc = hmc;
        Seed = seed;
        RecordChains = recordChains;
        MassPerLevel = massPerLevel;
        SpinSweeps = spinSweeps;
        SpinClusters = spinClusters;
        DispersedStarts = dispersedStarts;
        LevelSizeWeighting = levelSizeWeighting;
        FourierMass = fourierMass;
    }
}

/// <summary>What only latent HMC reports (<see cref="FlowSamplerResult.LatentHmc"/>).</summary>
/// <param name="StepSize">The step size fixed after warm-up.</param>
/// <param name="FinalLatent">z of every chain after the last trajectory (chains × N): where a continuation, or the chains of the next level, can start.</param>
/// <param name="LevelCurvature">With <see cref="LatentHmcOptions.MassPerLevel"/>: curvature of U measured on each latent level (ξ first) halfway through the warm-up; otherwise empty.</param>
/// <param name="LevelScale">With <see cref="LatentHmcOptions.MassPerLevel"/>: the scale s = 1/√mass of each level's latents during measurement; otherwise empty.</param>
/// <param name="SpinMoveRoundTrip">With <see cref="LatentHmcOptions.SpinSweeps"/>: largest |F(F⁻¹(x')) − x'| over all spin moves (float32 round-off); otherwise NaN.</param>
/// <param name="Times">Where the wall time went (<see cref="SamplingTimes.LatentHmcParts"/>), with each member flow's passes.</param>
/// <param name="ShellCurvature">With <see cref="LatentHmcOptions.FourierMass"/>: curvature per level (ξ first) and shell of wave vectors (<see cref="LatentHmcSampler.FourierShells"/>; NaN where a level's grids have no mode in the shell); otherwise null.</param>
/// <param name="ShellScale">With <see cref="LatentHmcOptions.FourierMass"/>: the scale per level and shell during measurement; otherwise null.</param>
public sealed record LatentHmcDetails(double StepSize, double[] FinalLatent, double[] LevelCurvature, double[] LevelScale, double SpinMoveRoundTrip, SamplingTimes? Times = null,
    double[][]? ShellCurvature = null, double[][]? ShellScale = null);

/// <summary>
/// Exact sampling of a relaxed spin model (<see cref="IRelaxedModel"/>: Ising, clock:Q, XY) by HMC in the latent space of a flow (DESIGN.md §8, paper §III C): chains
/// start from z ~ p_z (<see cref="LatticeDistribution"/>: ξ from a data set and g ~ N(0, 1) for a super-resolution flow or a stack
/// of them, N(0, I) for the NNRG flow) and move under U(z) = E_x(F(z)) − ln|det ∂F/∂z| (<see cref="LatentTarget"/>),
/// which is the same for every kind of flow.
/// </summary>
public sealed class LatentHmcSampler
{
    /// <summary>The method's name in results and reports.</summary>
    public const string Method = "latent-hmc";

    /// <summary>Names of its moves in <see cref="FlowSamplerResult.MoveAcceptances"/>: HMC trajectories, and spin sweeps (<see cref="LatentHmcOptions.SpinSweeps"/>).</summary>
    public const string HmcMove = "hmc", SpinMove = "spin";

    private const ulong StartStream = 0x7374617274UL, MeasureStream = 0x6D65617375726531UL, CurvatureStream = 0x6375727665UL,
        SpinStream = 0x7370696E73UL;

    /// <summary>The latent potential the chains move under.</summary>
    public LatentTarget Target { get; }

    /// <summary>The latent p_z the chains start from.</summary>
    public LatticeDistribution Prior { get; }

    /// <summary>The settings.</summary>
    public LatentHmcOptions Options { get; }

    /// <summary>
    /// Sampler of π_x at <paramref name="temperature"/> on the flow's lattice, chains started from <paramref name="prior"/>
    /// (which must have the flow's size). <paramref name="shift"/> is the relaxation shift of the output model
    /// (default <see cref="RelaxedIsing.DefaultShift"/>).
    /// </summary>
    public LatentHmcSampler(ILatticeFlow flow, LatticeDistribution prior, double temperature, LatentHmcOptions options, double? shift = null)
        : this(flow, prior, new RelaxedIsing(CheckedFlow(flow).Size, temperature, shift), options) { }

    /// <summary>
    /// Sampler of the relaxed <paramref name="model"/> (on the flow's lattice, with the flow's values per site), chains
    /// started from <paramref name="prior"/> (the flow's size and channels).
    /// </summary>
    public LatentHmcSampler(ILatticeFlow flow, LatticeDistribution prior, IRelaxedModel model, LatentHmcOptions options)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (prior.Size != flow.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} but the latent prior is {prior.Size}×{prior.Size}", nameof(prior));
        if (prior.Channels != flow.Channels)
            throw new ArgumentException($"the flow has {flow.Channels} values per site but the latent prior {prior.Channels}", nameof(prior));
        if (options.MassPerLevel && prior.Levels == 0)
            throw new ArgumentException("a mass per level needs the latent of super-resolution flows (ξ and noises per level)", nameof(options));
        Target = new LatentTarget(flow, model);
        Prior = prior;
        Options = options;
    }

    private static ILatticeFlow CheckedFlow(ILatticeFlow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow;
    }

    /// <summary>
    /// Sampler of π_x at <paramref name="temperature"/> on the 2L×2L lattice of a single super-resolution flow;
    /// <paramref name="inputs"/> holds L×L relaxed configurations back to back (the starting ξ are drawn from them).
    /// <paramref name="shift"/> is the relaxation shift of the output model (default <see cref="RelaxedIsing.DefaultShift"/>).
    /// </summary>
    public LatentHmcSampler(ILatticeFlow flow, double temperature, ReadOnlySpan<double> inputs, LatentHmcOptions options, double? shift = null)
        : this(flow, SuperResolutionLatent.OfFlow(flow, inputs), temperature, options, shift) { }

    /// <summary>As the double-precision constructor, with float32 input configurations.</summary>
    public LatentHmcSampler(ILatticeFlow flow, double temperature, ReadOnlySpan<float> inputs, LatentHmcOptions options, double? shift = null)
        : this(flow, temperature, Precision.ToDouble(inputs), options, shift) { }

    /// <summary>
    /// Runs warm-up and measurement; <paramref name="progress"/> sees the fraction of trajectories done. Chains start from
    /// independent draws z ~ p_z (every other one negated if all input magnetisations share a sign: <see cref="LatentHmcOptions.DispersedStarts"/>), or from <paramref name="start"/> (chains × N) when given: any start leaves the chain exact, only the
    /// warm-up it needs changes (then <see cref="FlowSamplerResult.WeightEss"/> is NaN: the start is not a p_z draw).
    /// </summary>
    public FlowSamplerResult Run(IProgress<double>? progress = null, CancellationToken cancellation = default, double[]? start = null)
    {
        var clock = Stopwatch.StartNew();
        var flowTimesAtStart = Target.Flow.PassTimes;
        int chains = Options.Chains, n = Target.Dimension;
        // Wall ticks per part, taken around whole calls only (no per-site cost).
        long hmcTicks = 0, spinGradientTicks = 0, measureGenerateTicks = 0, measureObserveTicks = 0, massTicks = 0;
        var hmcTarget = default(LatentTargetTimes);
        // HMC runs on u with z = s ⊙ u; s = 1 (u = z) unless a mass per level is adapted.
        var scaled = new ScaledTarget(Target);
        var hmc = new HamiltonianMonteCarlo(scaled, chains, Options.Hmc, Options.Seed);
        bool fromPrior = start is null;
        if (start is not null && start.Length != chains * n)
            throw new ArgumentException($"a start needs {chains} × {n} values, got {start.Length}", nameof(start));
        if (start is null)
        {
            start = Prior.Draw(chains, Options.Seed ^ StartStream);
            if (Options.DispersedStarts) Latent.DispersedStarts.Ensure(start, chains, Prior);
        }
        hmc.SetPositions(start);
        var z = new double[chains * n];
        double[]? curvature = null, levelScale = null;
        double[][]? shellCurvature = null, shellScale = null;

        var x = new float[chains * n];
        var energyX = new double[chains];
        var logDet = new double[chains];
        var trace = new List<double>(Options.WarmUp + Options.Trajectories + 1);
        var chainM2 = Options.RecordChains ? new List<double>((Options.WarmUp + Options.Trajectories + 1) * chains) : null;
        var chainEnergy = Options.RecordChains ? new List<double>((Options.WarmUp + Options.Trajectories + 1) * chains) : null;
        var warmUpMeasure = ChainMeasurement.For(Target.Model, chains, Options.Seed ^ MeasureStream ^ 1, chainM2, chainEnergy);
        var measure = ChainMeasurement.For(Target.Model, chains, Options.Seed ^ MeasureStream, chainM2, chainEnergy);
        var spinMove = Options.SpinSweeps > 0 ? new LatentSpinMove(Target, chains, Options.SpinSweeps, Options.Seed ^ SpinStream, Options.SpinClusters) : null;
        var moved = new double[spinMove is null ? 0 : chains * n];
        bool justMoved = false;
        void Observe(ChainMeasurement into)
        {
            long t0 = Stopwatch.GetTimestamp();
            scaled.ToOriginal(hmc.Positions, z);
            // After a spin move the last evaluation of U was at these very positions (SetPositions): reuse its x = F(z).
            if (justMoved) Target.LastOutput.CopyTo(x);
            else Target.Generate(z, x, energyX, logDet);
            if (justMoved) spinMove!.CheckRoundTrip(x);
            justMoved = false;
            long t1 = Stopwatch.GetTimestamp();
            trace.Add(into.Add(x));
            measureGenerateTicks += t1 - t0;
            measureObserveTicks += Stopwatch.GetTimestamp() - t1;
        }
        void Trajectory()
        {
            var before = Target.Times;
            long t0 = Stopwatch.GetTimestamp();
            hmc.Trajectory();
            hmcTicks += Stopwatch.GetTimestamp() - t0;
            var spent = Target.Times.Since(before);
            hmcTarget = new(hmcTarget.Forward + spent.Forward, hmcTarget.Energy + spent.Energy, hmcTarget.Backward + spent.Backward);
        }
        // After a trajectory: relax the generated lattice locally and continue HMC from the moved latents.
        void MoveSpins()
        {
            if (spinMove is null) return;
            scaled.ToOriginal(hmc.Positions, moved);
            spinMove.Apply(moved);
            scaled.ToScaled(moved, moved);
            long t0 = Stopwatch.GetTimestamp();
            hmc.SetPositions(moved);
            spinGradientTicks += Stopwatch.GetTimestamp() - t0;
            justMoved = true;
        }

        int total = Options.WarmUp + Options.Trajectories;
        Observe(warmUpMeasure);
        double startEss = double.NaN;
        if (Prior.HasDensity && fromPrior)
        {
            // The first observation generated F(z) of the starting draws: ln w = −E_x + ln|det| − ln p_z.
            var lnW = new double[chains];
            Prior.LogDensity(start, lnW);
            for (int c = 0; c < chains; c++) lnW[c] = -energyX[c] + logDet[c] - lnW[c];
            startEss = ImportanceWeights.Ess(lnW);
        }
        hmc.BeginWarmUp();
        for (int t = 0; t < Options.WarmUp; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (Options.MassPerLevel && t == Options.WarmUp / 2)
            {
                // Scales from where the chains are now, not from the start: the stiffness builds up as they leave z ~ p_z.
                long m0 = Stopwatch.GetTimestamp();
                scaled.ToOriginal(hmc.Positions, z);
                hmc.EndWarmUp();
                if (Options.FourierMass)
                {
                    shellCurvature = ShellCurvatures(z, chains, Prior);
                    shellScale = ShellScales(shellCurvature, Prior, Options.LevelSizeWeighting);
                    (curvature, levelScale) = LevelSummaries(shellCurvature, shellScale, Prior);
                    scaled.SetFourierScales(FourierScales(shellScale, Prior));
                }
                else
                {
                    curvature = LevelCurvatures(z, chains, Prior);
                    levelScale = LevelScales(curvature, LevelSizes(Prior), Options.LevelSizeWeighting);
                    var perSite = new double[n];
                    for (int i = 0; i < n; i++) perSite[i] = levelScale[Prior.LevelOf(i / Prior.Channels)];
                    scaled.SetScale(perSite);
                }
                var u = new double[z.Length];
                scaled.ToScaled(z, u);
                hmc.SetPositions(u);
                hmc.BeginWarmUp();
                massTicks += Stopwatch.GetTimestamp() - m0;
            }
            Trajectory();
            MoveSpins();
            Observe(warmUpMeasure);
            progress?.Report((t + 1.0) / total);
        }
        hmc.EndWarmUp();
        for (int t = 0; t < Options.Trajectories; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            Trajectory();
            MoveSpins();
            Observe(measure);
            progress?.Report((Options.WarmUp + t + 1.0) / total);
        }
        scaled.ToOriginal(hmc.Positions, z);
        var (observables, convergence, angle) = measure.Assess(Target.Model.Temperature);
        var statistics = hmc.Statistics;
        var moves = new List<MoveAcceptance> { new(HmcMove, statistics.AcceptanceRate, statistics.Proposals) };
        // The spin moves' rate covers the whole run, warm-up included; so does their count.
        if (spinMove is not null) moves.Add(new(SpinMove, spinMove.SpinAcceptance, (long)spinMove.Moves * spinMove.Sweeps * chains * n));
        static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;
        var spinTimes = spinMove?.Times ?? default;
        double wall = clock.Elapsed.TotalSeconds;
        var parts = new List<TimePart>
        {
            new("hmc_flow_forward", hmcTarget.Forward),
            new("hmc_energy", hmcTarget.Energy),
            new("hmc_flow_backward", hmcTarget.Backward),
            new("hmc_bookkeeping", Seconds(hmcTicks) - hmcTarget.Total),
            new("spin_generate", spinTimes.Generate),
            new("spin_sweeps", spinTimes.Sweeps),
            new("spin_inverse", spinTimes.Inverse),
            new("spin_gradient", Seconds(spinGradientTicks)),
            new("measure_generate", Seconds(measureGenerateTicks)),
            new("measure_observables", Seconds(measureObserveTicks)),
            new("mass_adaptation", Seconds(massTicks)),
        };
        parts.Add(new("other", wall - parts.Sum(p => p.Seconds)));
        var flowTimes = Target.Flow.PassTimes is { } end && flowTimesAtStart is { } begin ? end.Since(begin) : null;
        var times = new SamplingTimes(wall, parts, flowTimes);
        return new FlowSamplerResult(Method, observables, convergence, measure.Averages.TauEnergy, measure.Averages.TauM2, statistics.AcceptanceRate, moves,
            startEss, trace.ToArray(), x, clock.Elapsed, Target.Model.Shift)
        {
            ChainM2Trace = chainM2?.ToArray() ?? [],
            ChainEnergyTrace = chainEnergy?.ToArray() ?? [],
            Angle = angle,
            LatentHmc = new LatentHmcDetails(hmc.StepSize, z, curvature ?? [], levelScale ?? [], spinMove?.RoundTripError ?? double.NaN, times, shellCurvature, shellScale),
        };
    }

    /// <summary>
    /// Mean curvature vᵀ∇²U v of U on each latent level at <paramref name="z"/> (chains × N): for every chain two random
    /// unit directions supported on the level, by central differences of ∇U; averaged over chains and directions. For a
    /// random v this is about the mean Hessian diagonal over the level.
    /// </summary>
    internal double[] LevelCurvatures(ReadOnlySpan<double> z, int chains, LatticeDistribution prior)
    {
        const int Directions = 2;
        int n = Target.Dimension, levels = prior.Levels;
        var level = new int[n];
        for (int i = 0; i < n; i++) level[i] = prior.LevelOf(i / prior.Channels);
        var rng = Xoshiro256.ForStream(Options.Seed, CurvatureStream);
        var v = new double[chains * n];
        var probe = new CurvatureProbe(Target, chains);
        var result = new double[levels + 1];
        for (int k = 0; k <= levels; k++)
        {
            double sum = 0;
            for (int d = 0; d < Directions; d++)
            {
                rng.FillGaussian(v);
                for (int c = 0; c < chains; c++)
                {
                    var row = v.AsSpan(c * n, n);
                    double norm = 0;
                    for (int i = 0; i < n; i++)
                    {
                        if (level[i] != k) row[i] = 0;
                        norm += row[i] * row[i];
                    }
                    System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1 / Math.Sqrt(norm), row);
                }
                sum += probe.Sum(z, v);
            }
            result[k] = sum / (chains * Directions);
        }
        return result;
    }

    /// <summary>
    /// Scale 1/√κ of each level relative to the finest noises (which keep scale 1, so the tuned ε carries over); a level
    /// measured softer than a quarter of the finest (or non-convex) is treated as a quarter, so no scale exceeds 2.
    /// </summary>
    internal static double[] LevelScales(ReadOnlySpan<double> curvature) => LevelScales(curvature, [], 0);

    /// <summary>
    /// As <see cref="LevelScales(ReadOnlySpan{double})"/>, each level's scale then multiplied by (n_f / n_k)^<paramref name="weighting"/>
    /// (<see cref="LatentHmcOptions.LevelSizeWeighting"/>; <paramref name="sizes"/> = latent values per level, ξ first).
    /// </summary>
    internal static double[] LevelScales(ReadOnlySpan<double> curvature, ReadOnlySpan<int> sizes, double weighting)
    {
        double finest = curvature[^1];
        if (!(finest > 0) || !double.IsFinite(finest)) return Enumerable.Repeat(1.0, curvature.Length).ToArray();
        var scale = new double[curvature.Length];
        for (int k = 0; k < scale.Length; k++)
        {
            double kappa = double.IsFinite(curvature[k]) ? Math.Max(curvature[k], finest / 4) : finest;
            scale[k] = Math.Sqrt(finest / kappa);
            if (weighting > 0 && sizes.Length == scale.Length && sizes[k] > 0) scale[k] *= Math.Pow((double)sizes[^1] / sizes[k], weighting);
        }
        return scale;
    }

    /// <summary>
    /// Shells of wave vectors q of an m×m grid by λ(q) = 4 − 2 cos q_x − 2 cos q_y (the lattice Laplacian's eigenvalue):
    /// q = 0, then λ in (0, ½], (½, 2], (2, 4], (4, 6], (6, 8] — finer at long wavelengths, where a grid's collective modes live.
    /// </summary>
    public const int FourierShells = 6;

    /// <summary>Shell (0 … <see cref="FourierShells"/> − 1) of wave vector (k_y, k_x) of an m×m grid.</summary>
    public static int ShellOf(int m, int ky, int kx)
    {
        if (ky == 0 && kx == 0) return 0;
        // q and −q must fall in the same shell exactly, also on a boundary such as λ = 2.
        ky = Math.Min(ky, m - ky);
        kx = Math.Min(kx, m - kx);
        double lambda = 4 - 2 * Math.Cos(2 * Math.PI * ky / m) - 2 * Math.Cos(2 * Math.PI * kx / m);
        return lambda <= 0.5 ? 1 : lambda <= 2 ? 2 : lambda <= 4 ? 3 : lambda <= 6 ? 4 : 5;
    }

    /// <summary>
    /// Curvature vᵀ∇²U v of U per latent level and shell of wave vectors at <paramref name="z"/> (chains × N): for every
    /// chain one random unit direction made of the shell's modes on every grid of the level (<see cref="LatticeDistribution.LevelGrids"/>)
    /// and channel, by central differences of ∇U; averaged over chains. NaN where the level's grids have no mode in the shell.
    /// </summary>
    internal double[][] ShellCurvatures(ReadOnlySpan<double> z, int chains, LatticeDistribution prior)
    {
        int n = Target.Dimension, levels = prior.Levels, channels = prior.Channels;
        var rng = Xoshiro256.ForStream(Options.Seed, CurvatureStream);
        var v = new double[chains * n];
        var probe = new CurvatureProbe(Target, chains);
        var result = new double[levels + 1][];
        for (int k = 0; k <= levels; k++)
        {
            var grids = prior.LevelGrids(k);
            int m = (int)Math.Round(Math.Sqrt(grids[0].Length));
            var fft = new FourierTransform2D(m);
            var re = new double[m * m];
            var im = new double[m * m];
            result[k] = new double[FourierShells];
            for (int shell = 0; shell < FourierShells; shell++)
            {
                bool any = false;
                for (int ky = 0; ky < m && !any; ky++)
                    for (int kx = 0; kx < m && !any; kx++) any = ShellOf(m, ky, kx) == shell;
                if (!any)
                {
                    result[k][shell] = double.NaN;
                    continue;
                }
                Array.Clear(v);
                for (int c = 0; c < chains; c++)
                {
                    var row = v.AsSpan(c * n, n);
                    foreach (var grid in grids)
                        for (int channel = 0; channel < channels; channel++)
                        {
                            rng.FillGaussian(re);
                            Array.Clear(im);
                            fft.Forward(re, im);
                            for (int ky = 0; ky < m; ky++)
                                for (int kx = 0; kx < m; kx++)
                                    if (ShellOf(m, ky, kx) != shell) re[ky * m + kx] = im[ky * m + kx] = 0;
                            fft.Inverse(re, im);
                            for (int j = 0; j < grid.Length; j++) row[grid[j] * channels + channel] = re[j];
                        }
                    double norm = System.Numerics.Tensors.TensorPrimitives.Norm<double>(row);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1 / norm, row);
                }
                result[k][shell] = probe.Sum(z, v) / chains;
            }
        }
        return result;
    }

    /// <summary>Modes per shell of one grid of each level of <paramref name="prior"/> (ξ first).</summary>
    private static int[][] ShellModes(LatticeDistribution prior)
    {
        var modes = new int[prior.Levels + 1][];
        for (int k = 0; k <= prior.Levels; k++)
        {
            int m = (int)Math.Round(Math.Sqrt(prior.LevelGrids(k)[0].Length));
            modes[k] = new int[FourierShells];
            for (int ky = 0; ky < m; ky++)
                for (int kx = 0; kx < m; kx++) modes[k][ShellOf(m, ky, kx)]++;
        }
        return modes;
    }

    /// <summary>
    /// Scale 1/√κ per level and shell relative to the finest level's mean curvature (its modes weighted equally), with
    /// the floor and size weighting of <see cref="LevelScales(ReadOnlySpan{double}, ReadOnlySpan{int}, double)"/>; 1 for an empty shell.
    /// </summary>
    internal static double[][] ShellScales(double[][] curvature, LatticeDistribution prior, double weighting)
    {
        var modes = ShellModes(prior);
        var sizes = LevelSizes(prior);
        double finest = 0;
        int count = 0;
        for (int shell = 0; shell < FourierShells; shell++)
            if (modes[^1][shell] > 0)
            {
                finest += modes[^1][shell] * curvature[^1][shell];
                count += modes[^1][shell];
            }
        finest /= count;
        var scale = new double[curvature.Length][];
        for (int k = 0; k < curvature.Length; k++)
        {
            scale[k] = new double[FourierShells];
            for (int shell = 0; shell < FourierShells; shell++)
            {
                double kappa = curvature[k][shell];
                if (modes[k][shell] == 0 || !(finest > 0) || !double.IsFinite(finest)) scale[k][shell] = 1;
                else
                {
                    scale[k][shell] = Math.Sqrt(finest / (double.IsFinite(kappa) ? Math.Max(kappa, finest / 4) : finest));
                    if (weighting > 0) scale[k][shell] *= Math.Pow((double)sizes[^1] / sizes[k], weighting);
                }
            }
        }
        return scale;
    }

    /// <summary>Per level: the mean curvature over its modes, and the root mean square of their scales.</summary>
    private static (double[] Curvature, double[] Scale) LevelSummaries(double[][] curvature, double[][] scale, LatticeDistribution prior)
    {
        var modes = ShellModes(prior);
        var meanCurvature = new double[curvature.Length];
        var rmsScale = new double[curvature.Length];
        for (int k = 0; k < curvature.Length; k++)
        {
            double c = 0, s2 = 0;
            int count = 0;
            for (int shell = 0; shell < FourierShells; shell++)
            {
                if (modes[k][shell] == 0) continue;
                c += modes[k][shell] * curvature[k][shell];
                s2 += modes[k][shell] * scale[k][shell] * scale[k][shell];
                count += modes[k][shell];
            }
            meanCurvature[k] = c / count;
            rmsScale[k] = Math.Sqrt(s2 / count);
        }
        return (meanCurvature, rmsScale);
    }

    /// <summary>The <see cref="FourierScale"/> of every grid and channel of every level, from the scales per level and shell.</summary>
    private static List<FourierScale> FourierScales(double[][] scale, LatticeDistribution prior)
    {
        var result = new List<FourierScale>();
        int channels = prior.Channels;
        for (int k = 0; k <= prior.Levels; k++)
        {
            var grids = prior.LevelGrids(k);
            int m = (int)Math.Round(Math.Sqrt(grids[0].Length));
            var multiplier = new double[m * m];
            for (int ky = 0; ky < m; ky++)
                for (int kx = 0; kx < m; kx++) multiplier[ky * m + kx] = scale[k][ShellOf(m, ky, kx)];
            foreach (var grid in grids)
                for (int channel = 0; channel < channels; channel++)
                    result.Add(new FourierScale([.. grid.Select(site => site * channels + channel)], m, multiplier));
        }
        return result;
    }

    /// <summary>Latent values on each level of <paramref name="prior"/> (ξ first).</summary>
    private static int[] LevelSizes(LatticeDistribution prior)
    {
        var sizes = new int[prior.Levels + 1];
        int sites = prior.Size * prior.Size;
        for (int i = 0; i < sites; i++) sizes[prior.LevelOf(i)] += prior.Channels;
        return sizes;
    }

    /// <summary>
    /// Latent starting points z ~ p_z for <paramref name="chains"/> chains (chains × (2L)², double): ξ drawn uniformly
    /// from <paramref name="inputs"/> (L×L configurations back to back), noises g ~ N(0, 1).
    /// </summary>
    public static double[] StartingPoints(ReadOnlySpan<double> inputs, int inputSize, int chains, ulong seed) =>
        new SuperResolutionLatent(new DataSetDistribution(inputs, inputSize)).Draw(chains, seed);

    /// <summary>Σ over chains of vᵀ∇²U v at z (chains × N), by central differences of ∇U at z ± h v; buffers kept between calls.</summary>
    private sealed class CurvatureProbe(LatentTarget target, int chains)
    {
        private const double H = 0.02;
        private readonly double[] _plus = new double[chains * target.Dimension], _minus = new double[chains * target.Dimension],
            _gPlus = new double[chains * target.Dimension], _gMinus = new double[chains * target.Dimension], _energy = new double[chains];

        public double Sum(ReadOnlySpan<double> z, double[] v)
        {
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, H, z, _plus);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(v, -H, z, _minus);
            target.EnergyAndGradient(_plus, _energy, _gPlus);
            target.EnergyAndGradient(_minus, _energy, _gMinus);
            System.Numerics.Tensors.TensorPrimitives.Subtract(_gPlus, _gMinus, _gPlus);
            return System.Numerics.Tensors.TensorPrimitives.Dot<double>(_gPlus, v) / (2 * H);
        }
    }
}
