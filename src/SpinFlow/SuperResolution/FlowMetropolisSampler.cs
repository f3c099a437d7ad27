using System.Diagnostics;
using SpinFlow.Flows;
using SpinFlow.Latent;
using SpinFlow.MonteCarlo;
using SpinFlow.Numerics;
using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>Settings of flow Metropolis with a cluster-driven base chain; validated on construction.</summary>
public sealed record FlowMetropolisOptions
{
    /// <summary>Independent chains, advanced together (one flow batch row each).</summary>
    public int Chains { get; }
    /// <summary>Temperature T_ξ of the L×L input chain (e.g. from approximate temperature rescaling).</summary>
    public double InputTemperature { get; }
    /// <summary>Steps per chain discarded first.</summary>
    public int WarmUp { get; }
    /// <summary>Measured steps per chain.</summary>
    public int Steps { get; }
    /// <summary>Seed of the starting points, the proposals, the accept decisions and the measurements.</summary>
    public ulong Seed { get; }
    /// <summary>The mixture of proposal kernels (default: cluster moves only, the all-fresh sampler).</summary>
    public FlowMetropolisMoves Moves { get; }
    /// <summary>
    /// When all chains' starting ξ share the sign of their magnetisation, negate every other chain's (ξ, g) so that both
    /// signs start (<see cref="Latent.DispersedStarts"/>); false keeps the prior's draws as they are.
    /// </summary>
    public bool DispersedStarts { get; }

    /// <summary>Validates and stores the settings; bad values throw <see cref="ArgumentException"/> with a one-line message.</summary>
    public FlowMetropolisOptions(int chains, double inputTemperature, int warmUp, int steps, ulong seed = 1, FlowMetropolisMoves? moves = null,
        bool dispersedStarts = true)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (!(inputTemperature > 0) || double.IsInfinity(inputTemperature))
            throw new ArgumentOutOfRangeException(nameof(inputTemperature), inputTemperature, "input temperature must be positive and finite");
        if (warmUp < 0) throw new ArgumentOutOfRangeException(nameof(warmUp), warmUp, "warm-up must be non-negative");
        if (steps < 4) throw new ArgumentOutOfRangeException(nameof(steps), steps, "need at least 4 measured steps for error bars");
        Chains = chains;
        InputTemperature = inputTemperature;
        WarmUp = warmUp;
        Steps = steps;
        Seed = seed;
        Moves = moves ?? FlowMetropolisMoves.ClusterOnly;
        DispersedStarts = dispersedStarts;
    }
}

/// <summary>What only flow Metropolis reports (<see cref="FlowSamplerResult.FlowMetropolis"/>).</summary>
/// <param name="InputTemperature">Temperature T_ξ of the input chain.</param>
/// <param name="Moves">The mixture of proposal kernels.</param>
/// <param name="ProposalEnergy">Plain mean of E[e | x′] over the measured cluster proposals (NaN without them): the flow's own, uncorrected ⟨e⟩ (its bias shows what Metropolis corrects).</param>
/// <param name="ImportanceEnergy">Self-normalised importance-sampling ⟨e⟩ from the same cluster proposals and weights (no error bar; a cross-check of the weights).</param>
public sealed record FlowMetropolisDetails(double InputTemperature, FlowMetropolisMoves Moves, double ProposalEnergy, double ImportanceEnergy);

/// <summary>
/// Exact sampling of the 2L×2L relaxed Ising model by flow Metropolis on the latent z = (ξ, g) (DESIGN.md §8): each
/// step proposes z′ with one of the kernels of <see cref="FlowMetropolisOptions.Moves"/> — the cluster move
/// (ξ → s | ξ → one Swendsen–Wang sweep → ξ′ | s′ at T_ξ, fresh g′ ~ N(0, 1)), a pCN move of the noises g, or a pCN
/// move of ξ within ξ | s — and accepts with min(1, w(z′)/w(z)), ln w(z) = −E_x(F(z)) + ln|det ∂F/∂z| + E_ξ(ξ) + ½|g|².
/// The flow may be one Flow_L or a <see cref="FlowStack"/> Flow_L0 → Flow_2L0 → …: then ξ is the L0×L0 base
/// configuration, g holds the noises of every level and |g|² sums over all of them.
/// </summary>
/// <remarks>
/// <para>
/// Why this is exact: the target of z = (ξ, g) is π(z) ∝ π_x(F(z)) |det ∂F/∂z|, whose push-forward through F is π_x,
/// and w(z) ∝ π(z) / π₀(z) with the reference π₀(z) = π_ξ(ξ) p_g(g). If a proposal kernel Q is reversible for π₀,
/// π₀(z) Q(z → z′) = π₀(z′) Q(z′ → z), the Metropolis–Hastings ratio π(z′) Q(z′ → z) / (π(z) Q(z → z′)) equals
/// π(z′) π₀(z) / (π(z) π₀(z′)) = w(z′)/w(z); normalisers of π_x, π_ξ and p_g cancel. Each kernel is π₀-reversible:
/// </para>
/// <para>
/// Cluster move, Q = K(ξ → ξ′) p_g(g′). With the joint p(ξ, s) ∝ exp(−½ξᵀK′⁻¹ξ + sᵀξ), whose s-marginal is the Ising
/// model at T_ξ, π_ξ(ξ) K(ξ → ξ′) = Σ_{s,s′} p(ξ | s) p(s) P_SW(s → s′) p(ξ′ | s′), symmetric in (ξ, ξ′) because
/// Swendsen–Wang satisfies detailed balance p(s) P_SW(s → s′) = p(s′) P_SW(s′ → s); the fresh draw g′ ~ p_g makes
/// p_g(g) p_g(g′) symmetric too.
/// </para>
/// <para>
/// Noise pCN, ξ′ = ξ, g′ = ρg + √(1−ρ²) η: p_g(g) N(g′; ρg, (1−ρ²)I) is the density of a pair of standard normal
/// vectors with cross-covariance ρI, symmetric under g ↔ g′; ξ′ = ξ is trivially reversible for π_ξ.
/// </para>
/// <para>
/// Input pCN, s ~ s | ξ then ξ′ = μ + ρ(ξ − μ) + √(1−ρ²) ζ with μ = K′s, ζ ~ N(0, K′), g′ = g:
/// π_ξ(ξ) Q(ξ → ξ′) = Σ_s p(s) p(ξ | s) K_s(ξ → ξ′), and p(ξ | s) K_s(ξ → ξ′) is the Gaussian of a pair with both
/// marginals N(μ, K′) and cross-covariance ρK′, symmetric under ξ ↔ ξ′; so is the sum over s.
/// </para>
/// <para>
/// Mixture: each chain and step picks a kernel with fixed probabilities from its own stream, independently of the
/// state, so Q = Σ_k p_k Q_k is π₀-reversible term by term and the ratio is still w(z′)/w(z). The argument is the same
/// for a stack. The pCN moves are local: with ρ near 1 they are accepted often even when w is heavy-tailed, while the
/// cluster move carries the chain between far-apart ξ; at ClusterMoveProbability = 1 the sampler is the all-fresh one,
/// draw for draw (the kernel choice uses a separate stream).
/// </para>
/// <para>
/// The flow sees ξ and g rounded to float32 while E_ξ and ½|g|² use the double state; the chain is then exact for
/// π_x(F(fl z)) |det ∂F/∂z (fl z)|, which differs from the ideal target only by that rounding. Fresh noises are drawn
/// in float32 (as the all-fresh sampler draws them), i.e. from N(0, 1) rounded to float — again a rounding-level deviation.
/// </para>
/// <para>
/// Exact is not the same as efficient: with heavy-tailed weights (weight ESS ≲ 10⁻³) a chain of cluster moves only that
/// reaches a rare high-weight state stays there far longer than a short run can show, so τ_int and the error bars of a
/// short run are underestimated. Trust the error bars of cluster-only runs only when <see cref="FlowSamplerResult.WeightEss"/>
/// times the proposals is large; local moves are the remedy.
/// </para>
/// </remarks>
public sealed class FlowMetropolisSampler
{
    /// <summary>The method's name in results and reports.</summary>
    public const string Method = "flow-mh";

    /// <summary>Fewest effective cluster proposals (weight ESS × proposals) for the run to count as converged.</summary>
    public const double MinEffectiveProposals = 100;

    private const ulong StartStream = 0x7374617274UL, ChainStream = 0x636861696EUL, SwStream = 0x7377UL, MoveStream = 0x6D6F7665UL, MeasureStream = 0x6D65617375726531UL;

    /// <summary>The flow F (generation direction).</summary>
    public ILatticeFlow Flow { get; }

    /// <summary>The latent layout and the distribution of ξ the chains start from.</summary>
    public SuperResolutionLatent Prior { get; }

    /// <summary>Relaxed model of the generated lattice at T_x.</summary>
    public RelaxedIsing OutputModel { get; }

    /// <summary>Relaxed model of the L0×L0 input at T_ξ (proposals and E_ξ).</summary>
    public RelaxedIsing InputModel { get; }

    /// <summary>The settings.</summary>
    public FlowMetropolisOptions Options { get; }

    /// <summary>
    /// Sampler of π_x at <paramref name="temperature"/> on the lattice of <paramref name="flow"/> (one Flow_L or a stack),
    /// with latent layout and starting ξ from <paramref name="prior"/> (same size as the flow). Shifts default to
    /// <see cref="RelaxedIsing.DefaultShift"/>; <paramref name="inputShift"/> should be that of the data set.
    /// </summary>
    public FlowMetropolisSampler(ILatticeFlow flow, SuperResolutionLatent prior, double temperature, FlowMetropolisOptions options,
        double? outputShift = null, double? inputShift = null)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(options);
        if (prior.Size != flow.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} but the latent prior is {prior.Size}×{prior.Size}", nameof(prior));
        Flow = flow;
        Prior = prior;
        OutputModel = new RelaxedIsing(flow.Size, temperature, outputShift);
        InputModel = new RelaxedIsing(prior.InputSize, options.InputTemperature, inputShift);
        Options = options;
    }

    /// <summary>
    /// Sampler of π_x at <paramref name="temperature"/> on the flow's 2L×2L lattice; the chains start from ξ drawn
    /// from <paramref name="inputs"/> (L×L relaxed configurations back to back). Shifts default to <see cref="RelaxedIsing.DefaultShift"/>.
    /// </summary>
    public FlowMetropolisSampler(ILatticeFlow flow, double temperature, ReadOnlySpan<double> inputs, FlowMetropolisOptions options,
        double? outputShift = null, double? inputShift = null)
        : this(flow, SuperResolutionLatent.OfFlow(flow, inputs), temperature, options, outputShift, inputShift) { }

    /// <summary>As the double-precision constructor, with float32 input configurations.</summary>
    public FlowMetropolisSampler(ILatticeFlow flow, double temperature, ReadOnlySpan<float> inputs, FlowMetropolisOptions options,
        double? outputShift = null, double? inputShift = null)
        : this(flow, temperature, Precision.ToDouble(inputs), options, outputShift, inputShift) { }

    /// <summary>Runs warm-up and measurement; <paramref name="progress"/> sees the fraction of steps done.</summary>
    public FlowSamplerResult Run(IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        int chains = Options.Chains, l = InputModel.Size, l2 = l * l, n = OutputModel.Sites, ng = Prior.NoiseSites;
        var moves = Options.Moves;
        var rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(Options.Seed ^ ChainStream, (ulong)c)).ToArray();
        // The kernel choice has its own per-chain stream, so that cluster-only runs draw exactly what the all-fresh sampler draws.
        var pickers = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(Options.Seed ^ MoveStream, (ulong)c)).ToArray();
        var sw = Enumerable.Range(0, chains).Select(c => new SwendsenWang(l, Options.InputTemperature, Options.Seed ^ SwStream ^ ((ulong)c << 20))).ToArray();

        // Current state per chain: ξ and g (double; the flow sees them as float32; g holds every level's noises), x = F(z), and ln w.
        var xi = new double[chains * l2];
        var g = new double[chains * ng];
        var x = new float[chains * n];
        var lnW = new double[chains];
        // The starting ξ and noises: the latent's own draw, kept apart.
        var xiStart = new float[xi.Length];
        var gFresh = new float[g.Length];
        Prior.DrawParts(new Xoshiro256(Options.Seed ^ StartStream), xiStart, gFresh);
        for (int i = 0; i < xi.Length; i++) xi[i] = xiStart[i];
        for (int i = 0; i < g.Length; i++) g[i] = gFresh[i];
        if (Options.DispersedStarts) Latent.DispersedStarts.Ensure(xi, g, chains);
        var work = new Workspace(chains, l2, n, ng);
        Evaluate(xi, g, x, lnW, work);

        var xiNew = new double[xi.Length];
        var gNew = new double[g.Length];
        var xNew = new float[x.Length];
        var lnWNew = new double[chains];
        var spins = new sbyte[chains * l2];
        var kind = new FlowMetropolisMove[chains];
        var proposedBy = new long[3];
        var acceptedBy = new long[3];
        var trace = new List<double>(Options.WarmUp + Options.Steps + 1);
        var warmUpMeasure = ChainMeasurement.For(OutputModel, chains, Options.Seed ^ MeasureStream ^ 1);
        var measure = ChainMeasurement.For(OutputModel, chains, Options.Seed ^ MeasureStream);
        var proposalLnW = new List<double>((int)Math.Min((long)Options.Steps * chains, Array.MaxLength));
        var proposalEnergy = new List<double>(proposalLnW.Capacity);
        var xd = new double[n];
        var tanh = new double[n];
        var local = new LocalMoveScratch(l2, chains);
        long proposals = 0, accepted = 0;
        trace.Add(warmUpMeasure.Add(x));

        int total = Options.WarmUp + Options.Steps;
        for (int t = 0; t < total; t++)
        {
            cancellation.ThrowIfCancellationRequested();
            bool measured = t >= Options.WarmUp;
            for (int c = 0; c < chains; c++) kind[c] = moves.Pick(pickers[c].NextDouble());
            Propose(kind, moves.Correlation, xi, g, xiNew, gNew, gFresh, spins, sw, rngs, local);
            Evaluate(xiNew, gNew, xNew, lnWNew, work);
            for (int c = 0; c < chains; c++)
            {
                double delta = lnWNew[c] - lnW[c];
                // Always draw u so that each chain's stream advances the same way whatever is decided.
                double u = rngs[c].NextDouble();
                bool accept = !double.IsNaN(delta) && (delta >= 0 || u < Math.Exp(delta));
                if (measured)
                {
                    proposals++;
                    proposedBy[(int)kind[c]]++;
                    // Only cluster proposals are (nearly) independent of the current state: their weights describe the flow.
                    if (kind[c] == FlowMetropolisMove.Cluster)
                    {
                        proposalLnW.Add(lnWNew[c]);
                        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(xNew.AsSpan(c * n, n), xd);
                        RelaxedMath.Tanh(xd, tanh);
                        proposalEnergy.Add(ImprovedEstimators.BondMoments(tanh, OutputModel.Size).Energy);
                    }
                }
                if (!accept) continue;
                if (measured)
                {
                    accepted++;
                    acceptedBy[(int)kind[c]]++;
                }
                Array.Copy(xiNew, c * l2, xi, c * l2, l2);
                Array.Copy(gNew, c * ng, g, c * ng, ng);
                Array.Copy(xNew, c * n, x, c * n, n);
                lnW[c] = lnWNew[c];
            }
            trace.Add((measured ? measure : warmUpMeasure).Add(x));
            progress?.Report((t + 1.0) / total);
        }
        var byMove = Enum.GetValues<FlowMetropolisMove>().Select(m => new MoveAcceptance(FlowMetropolisMoves.Name(m),
            proposedBy[(int)m] == 0 ? double.NaN : (double)acceptedBy[(int)m] / proposedBy[(int)m], proposedBy[(int)m])).ToArray();
        var (observables, convergence) = measure.Averages.Assess(OutputModel.Temperature);
        double weightEss = ImportanceWeights.Ess(proposalLnW);
        // Heavy weights: a chain that reaches a rare high-weight state stays there longer than the run can show.
        double effective = weightEss * proposalLnW.Count;
        if (proposalLnW.Count > 0 && !(effective >= MinEffectiveProposals))
            convergence = convergence.WithWarnings([$"flow importance-weight ESS × cluster proposals = {effective.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)} " +
                $"< {MinEffectiveProposals} (the flow rarely proposes what π_x weighs: τ_int and error bars are likely underestimated)"]);
        var details = new FlowMetropolisDetails(Options.InputTemperature, moves,
            proposalEnergy.Count == 0 ? double.NaN : proposalEnergy.Average(),
            proposalLnW.Count == 0 ? double.NaN : ImportanceWeights.SelfNormalisedMean(proposalLnW, proposalEnergy));
        return new FlowSamplerResult(Method, observables, convergence, measure.Averages.TauEnergy, measure.Averages.TauM2, (double)accepted / proposals, byMove,
            weightEss, trace.ToArray(), x, clock.Elapsed, OutputModel.Shift) { FlowMetropolis = details };
    }

    // Draws z′ = (ξ′, g′) for every chain with its kernel. Per chain the draws come from its own stream in a fixed
    // order (cluster: spins, SW, ξ′ | s′, then g′ — one fixed order), so results do not depend on the other chains.
    private void Propose(FlowMetropolisMove[] kind, double rho, double[] xi, double[] g, double[] xiNew, double[] gNew, float[] gFresh,
        sbyte[] spins, SwendsenWang[] sw, Xoshiro256[] rngs, LocalMoveScratch local)
    {
        int chains = kind.Length, l2 = InputModel.Sites, ng = Prior.NoiseSites;
        double sigma = Math.Sqrt(1 - rho * rho);
        var batch = local.Cluster;
        batch.Clear();
        for (int c = 0; c < chains; c++)
            if (kind[c] == FlowMetropolisMove.Cluster) batch.Add(c, xi.AsSpan(c * l2, l2), sw[c], rngs[c]);
        if (batch.Count > 0)
        {
            // The cluster chains as one batch; each keeps its own generator, so its draws do not depend on the others.
            int m = batch.Count * l2;
            ProposeInputs(InputModel, batch.Xi.AsSpan(0, m), batch.XiNew.AsSpan(0, m), batch.Spins.AsSpan(0, m), batch.Sw, batch.Rngs);
            for (int k = 0; k < batch.Count; k++) Array.Copy(batch.XiNew, k * l2, xiNew, batch.Chains[k] * l2, l2);
        }
        for (int c = 0; c < chains; c++)
        {
            var xiC = xi.AsSpan(c * l2, l2);
            var xiNewC = xiNew.AsSpan(c * l2, l2);
            var gC = g.AsSpan(c * ng, ng);
            var gNewC = gNew.AsSpan(c * ng, ng);
            switch (kind[c])
            {
                case FlowMetropolisMove.Cluster:
                    var fresh = gFresh.AsSpan(c * ng, ng);
                    rngs[c].FillGaussian(fresh);
                    for (int i = 0; i < ng; i++) gNewC[i] = fresh[i];
                    break;
                case FlowMetropolisMove.Noise:
                    xiC.CopyTo(xiNewC);
                    rngs[c].FillGaussian(gNewC);
                    for (int i = 0; i < ng; i++) gNewC[i] = rho * gC[i] + sigma * gNewC[i];
                    break;
                case FlowMetropolisMove.Input:
                    ProposeInputLocally(InputModel, rho, xiC, xiNewC, spins.AsSpan(c * l2, l2), rngs[c], local);
                    gC.CopyTo(gNewC);
                    break;
            }
        }
    }

    /// <summary>
    /// The conditional pCN move of one ξ: s ~ s | ξ, then with μ = K′s, ξ′ = μ + ρ(ξ − μ) + √(1−ρ²) K′^{1/2}η, η ~ N(0, I) —
    /// an AR(1) step that leaves ξ | s = N(μ, K′) invariant. <paramref name="spins"/> is scratch (L²).
    /// </summary>
    internal static void ProposeInputLocally(RelaxedIsing model, double rho, ReadOnlySpan<double> xi, Span<double> xiNew, Span<sbyte> spins,
        Xoshiro256 rng, LocalMoveScratch scratch)
    {
        int l2 = model.Sites;
        RelaxedIsing.SampleSpins(xi, spins, rng);
        for (int i = 0; i < l2; i++) scratch.Spins[i] = spins[i];
        model.ApplyCoupling(scratch.Spins, scratch.Mean);
        rng.FillGaussian(scratch.Noise);
        model.ApplySqrtCoupling(scratch.Noise, scratch.Noise);
        double sigma = Math.Sqrt(1 - rho * rho);
        for (int i = 0; i < l2; i++)
            xiNew[i] = scratch.Mean[i] + rho * (xi[i] - scratch.Mean[i]) + sigma * scratch.Noise[i];
    }

    /// <summary>Buffers of <see cref="ProposeInputLocally"/> for one L0×L0 configuration, and of the cluster moves of a step (up to <paramref name="chains"/>).</summary>
    internal sealed class LocalMoveScratch(int sites, int chains = 1)
    {
        public readonly double[] Spins = new double[sites];
        public readonly double[] Mean = new double[sites];
        public readonly double[] Noise = new double[sites];
        public readonly ClusterBatch Cluster = new(sites, chains);
    }

    /// <summary>The chains that make a cluster move in one step, gathered into one batch (reused from step to step).</summary>
    internal sealed class ClusterBatch(int sites, int chains)
    {
        public readonly double[] Xi = new double[chains * sites];
        public readonly double[] XiNew = new double[chains * sites];
        public readonly sbyte[] Spins = new sbyte[chains * sites];
        public readonly List<int> Chains = new(chains);
        public readonly List<SwendsenWang> Sw = new(chains);
        public readonly List<Xoshiro256> Rngs = new(chains);

        public int Count => Chains.Count;

        public void Clear()
        {
            Chains.Clear();
            Sw.Clear();
            Rngs.Clear();
        }

        public void Add(int chain, ReadOnlySpan<double> xi, SwendsenWang sw, Xoshiro256 rng)
        {
            xi.CopyTo(Xi.AsSpan(Count * sites, sites));
            Chains.Add(chain);
            Sw.Add(sw);
            Rngs.Add(rng);
        }
    }

    /// <summary>
    /// The π_ξ-reversible input move for every chain: s ~ s | ξ, one Swendsen–Wang sweep s → s′ (one sampler per
    /// chain, at the model's temperature), ξ′ ~ ξ | s′. <paramref name="spins"/> is scratch (chains × L²).
    /// </summary>
    internal static void ProposeInputs(RelaxedIsing model, ReadOnlySpan<double> xi, Span<double> xiNew, Span<sbyte> spins,
        IReadOnlyList<SwendsenWang> sw, IReadOnlyList<Xoshiro256> rngs)
    {
        int l2 = model.Sites;
        for (int c = 0; c < sw.Count; c++)
        {
            var s = spins.Slice(c * l2, l2);
            RelaxedIsing.SampleSpins(xi.Slice(c * l2, l2), s, rngs[c]);
            sw[c].SetSpins(s);
            sw[c].Sweep();
            sw[c].Spins.CopyTo(s);
        }
        model.SampleGivenSpins(spins, xiNew, rngs);
    }

    private sealed class Workspace(int chains, int l2, int n, int ng)
    {
        public readonly float[] XiFloat = new float[chains * l2];
        public readonly float[] GFloat = new float[chains * ng];
        public readonly float[] Z = new float[chains * n];
        public readonly double[] LogDet = new double[chains];
        public readonly double[] EnergyX = new double[chains];
        public readonly double[] EnergyXi = new double[chains];
    }

    // ln w(z) = −E_x(F(z)) + ln|det ∂F/∂z| + E_ξ(ξ) + ½|g|², dropping constants that cancel in w′/w.
    private void Evaluate(double[] xi, double[] g, float[] x, double[] lnW, Workspace work)
    {
        int ng = Prior.NoiseSites, chains = lnW.Length;
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(xi, work.XiFloat);
        System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<double, float>(g, work.GFloat);
        Prior.Compose(work.XiFloat, work.GFloat, work.Z);
        Flow.Generate(work.Z, x, work.LogDet);
        OutputModel.EnergyAndGradient(x, work.EnergyX, Span<float>.Empty);
        InputModel.Energy(xi, work.EnergyXi);
        for (int c = 0; c < chains; c++)
        {
            double g2 = 0;
            foreach (double v in g.AsSpan(c * ng, ng)) g2 += v * v;
            lnW[c] = -work.EnergyX[c] + work.LogDet[c] + work.EnergyXi[c] + 0.5 * g2;
        }
    }
}
