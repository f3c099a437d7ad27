using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpinFlow.Randomness;

namespace SpinFlow.Hmc;

/// <summary>Acceptance record of an HMC run.</summary>
/// <param name="Trajectories">Trajectories run (each moves every chain once).</param>
/// <param name="Proposals">Chain proposals, trajectories × chains.</param>
/// <param name="Accepted">Accepted proposals.</param>
/// <param name="SumAcceptanceProbability">Σ min(1, e^{−ΔH}) over proposals (its mean is a lower-variance acceptance figure).</param>
public readonly record struct HmcStatistics(long Trajectories, long Proposals, long Accepted, double SumAcceptanceProbability)
{
    /// <summary>Fraction of proposals accepted.</summary>
    public double AcceptanceRate => Proposals > 0 ? (double)Accepted / Proposals : double.NaN;

    /// <summary>Mean Metropolis acceptance probability.</summary>
    public double MeanAcceptanceProbability => Proposals > 0 ? SumAcceptanceProbability / Proposals : double.NaN;
}

/// <summary>
/// Hamiltonian Monte Carlo for many chains at once (one batch row each) on any
/// <see cref="IDifferentiableTarget"/>: H(x, p) = ½|p|² + U(x), leapfrog integration with n steps of size ε,
/// a Metropolis decision per chain, and step-size tuning by dual averaging during warm-up only.
/// </summary>
/// <remarks>
/// Every chain owns a random stream derived from (seed, chain), so results do not depend on the thread
/// count. H is accumulated in double. The current energy and gradient are cached, so a trajectory costs
/// exactly n gradient evaluations. Not thread-safe: one instance drives its chains from one caller.
/// </remarks>
public sealed class HamiltonianMonteCarlo
{
    private readonly IDifferentiableTarget _target;
    private readonly HmcOptions _options;
    private readonly double[] _x, _gradient, _energy;
    private readonly double[] _xSaved, _gradientSaved, _energySaved;
    private readonly double[] _p, _hamiltonian;
    private readonly Xoshiro256[] _rngs;
    private readonly Xoshiro256 _jitter;
    private readonly ParallelOptions _parallel;
    private DualAveraging? _adaptation;
    private bool _initialized;
    private long _trajectories, _proposals, _accepted;
    private double _sumAcceptance;

    /// <summary>Number of chains.</summary>
    public int Chains { get; }

    /// <summary>Dimension of one chain's state.</summary>
    public int Dimension { get; }

    /// <summary>The step size of the next trajectory (fixed once warm-up has ended).</summary>
    public double StepSize { get; private set; }

    /// <summary>True between <see cref="BeginWarmUp"/> and <see cref="EndWarmUp"/> when tuning is on.</summary>
    public bool IsAdapting => _adaptation is not null;

    /// <summary>Mean acceptance probability over chains of the last trajectory.</summary>
    public double LastAcceptanceProbability { get; private set; } = double.NaN;

    /// <summary>The settings.</summary>
    public HmcOptions Options => _options;

    /// <summary>Creates <paramref name="chains"/> chains on <paramref name="target"/>; set their starting points with <see cref="SetPositions"/>.</summary>
    public HamiltonianMonteCarlo(IDifferentiableTarget target, int chains, HmcOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (target.Dimension < 1) throw new ArgumentException("target dimension must be positive", nameof(target));
        long total = (long)chains * target.Dimension;
        if (total > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(chains), chains, "chains × dimension is too large");
        _target = target;
        _options = options;
        Chains = chains;
        Dimension = target.Dimension;
        StepSize = options.StepSize;
        _x = new double[total];
        _gradient = new double[total];
        _energy = new double[chains];
        _xSaved = new double[total];
        _gradientSaved = new double[total];
        _energySaved = new double[chains];
        _p = new double[total];
        _hamiltonian = new double[chains];
        _rngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++) _rngs[c] = Xoshiro256.ForStream(seed, (ulong)c);
        _jitter = Xoshiro256.ForStream(seed, ulong.MaxValue);
        _parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism > 0 ? options.MaxDegreeOfParallelism : Environment.ProcessorCount,
        };
    }

    /// <summary>Current states, chains × dimension.</summary>
    public ReadOnlySpan<double> Positions => _x;

    /// <summary>Current potential energies U, one per chain.</summary>
    public ReadOnlySpan<double> Energies => _energy;

    /// <summary>Acceptance record since construction or the last <see cref="ResetStatistics"/>.</summary>
    public HmcStatistics Statistics => new(_trajectories, _proposals, _accepted, _sumAcceptance);

    /// <summary>Clears the acceptance record (done at the end of warm-up so that reports cover the measured part).</summary>
    public void ResetStatistics()
    {
        _trajectories = _proposals = _accepted = 0;
        _sumAcceptance = 0;
    }

    /// <summary>Sets every chain's state (chains × dimension) and evaluates its energy and gradient.</summary>
    public void SetPositions(ReadOnlySpan<double> x)
    {
        if (x.Length != _x.Length) throw new ArgumentException($"expected chains × dimension = {_x.Length} values, got {x.Length}", nameof(x));
        x.CopyTo(_x);
        _target.EnergyAndGradient(_x, _energy, _gradient);
        foreach (double u in _energy)
            if (!double.IsFinite(u)) throw new ArgumentException("starting point has a non-finite energy", nameof(x));
        _initialized = true;
    }

    /// <summary>Starts step-size adaptation (when <see cref="HmcOptions.TuneStepSize"/> is on).</summary>
    public void BeginWarmUp()
    {
        if (_options.TuneStepSize) _adaptation = new DualAveraging(StepSize, _options.TargetAcceptance);
    }

    /// <summary>Freezes the step size at its dual-averaged value and clears the acceptance record.</summary>
    public void EndWarmUp()
    {
        if (_adaptation is not null)
        {
            StepSize = _adaptation.Averaged;
            _adaptation = null;
        }
        ResetStatistics();
    }

    /// <summary>Runs <paramref name="trajectories"/> warm-up trajectories (tuning ε if enabled), then freezes ε.</summary>
    public void WarmUp(int trajectories)
    {
        if (trajectories < 0) throw new ArgumentOutOfRangeException(nameof(trajectories), trajectories, "must be non-negative");
        BeginWarmUp();
        for (int i = 0; i < trajectories; i++) Trajectory();
        EndWarmUp();
    }

    /// <summary>One HMC update of every chain: fresh momenta, a leapfrog trajectory, and a Metropolis decision per chain.</summary>
    public void Trajectory()
    {
        if (!_initialized) throw new InvalidOperationException("call SetPositions before running trajectories");
        double eps = _adaptation?.Current ?? StepSize;
        if (_options.StepSizeJitter > 0) eps *= 1 + _options.StepSizeJitter * (2 * _jitter.NextDouble() - 1);
        int d = Dimension;

        Array.Copy(_x, _xSaved, _x.Length);
        Array.Copy(_gradient, _gradientSaved, _gradient.Length);
        Array.Copy(_energy, _energySaved, _energy.Length);
        ForEachChain(c =>
        {
            var p = _p.AsSpan(c * d, d);
            _rngs[c].FillGaussian(p);
            _hamiltonian[c] = _energy[c] + 0.5 * TensorPrimitives.SumOfSquares<double>(p);
        });

        Leapfrog(_target, _x, _p, _energy, _gradient, _options.LeapfrogSteps, eps, _parallel.MaxDegreeOfParallelism);

        long accepted = 0;
        double sumAlpha = 0;
        for (int c = 0; c < Chains; c++)
        {
            double h1 = _energy[c] + 0.5 * TensorPrimitives.SumOfSquares<double>(_p.AsSpan(c * d, d));
            double dH = h1 - _hamiltonian[c];
            double alpha = double.IsFinite(dH) ? Math.Min(1, Math.Exp(-dH)) : 0;
            sumAlpha += alpha;
            // u < e^{−ΔH}; drawing u for every chain keeps each chain's stream in step whatever happens.
            double u = _rngs[c].NextDouble();
            if (double.IsFinite(h1) && u < alpha)
            {
                accepted++;
            }
            else
            {
                Array.Copy(_xSaved, c * d, _x, c * d, d);
                Array.Copy(_gradientSaved, c * d, _gradient, c * d, d);
                _energy[c] = _energySaved[c];
            }
        }
        LastAcceptanceProbability = sumAlpha / Chains;
        _adaptation?.Update(LastAcceptanceProbability);
        _trajectories++;
        _proposals += Chains;
        _accepted += accepted;
        _sumAcceptance += sumAlpha;
    }

    /// <summary>
    /// Leapfrog integration of H = ½|p|² + U for a batch: half kick, (drift, kick) × n with the last kick a
    /// half kick. On entry <paramref name="energy"/> and <paramref name="gradient"/> must hold U and ∇U at
    /// <paramref name="x"/>; on exit they hold them at the new positions. Costs n gradient evaluations.
    /// Each kick is fused with the following drift, so the state streams through memory once per step;
    /// <paramref name="maxDegreeOfParallelism"/> splits those passes over threads for large batches.
    /// </summary>
    public static void Leapfrog(IDifferentiableTarget target, Span<double> x, Span<double> p, Span<double> energy, Span<double> gradient,
        int steps, double stepSize, int maxDegreeOfParallelism = 1)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "need at least one leapfrog step");
        if (p.Length != x.Length || gradient.Length != x.Length) throw new ArgumentException("x, p and gradient must have equal lengths");
        KickDrift(x, p, gradient, -0.5 * stepSize, stepSize, maxDegreeOfParallelism);
        for (int s = 1; s <= steps; s++)
        {
            target.EnergyAndGradient(x, energy, gradient);
            if (s < steps) KickDrift(x, p, gradient, -stepSize, stepSize, maxDegreeOfParallelism);
            else TensorPrimitives.MultiplyAdd(gradient, -0.5 * stepSize, p, p);
        }
    }

    // p ← p + kick·g, then x ← x + drift·p, in one pass.
    private static unsafe void KickDrift(Span<double> x, Span<double> p, ReadOnlySpan<double> g, double kick, double drift, int threads)
    {
        const int Chunk = 1 << 16;
        int n = x.Length;
        if (threads <= 1 || n < 4 * Chunk)
        {
            KickDriftSerial(x, p, g, kick, drift);
            return;
        }
        fixed (double* px = x, pp = p, pg = g)
        {
            nint ax = (nint)px, ap = (nint)pp, ag = (nint)pg;
            int chunks = (n + Chunk - 1) / Chunk;
            Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
            {
                int lo = k * Chunk, len = Math.Min(Chunk, n - lo);
                KickDriftSerial(new Span<double>((double*)ax + lo, len), new Span<double>((double*)ap + lo, len),
                    new ReadOnlySpan<double>((double*)ag + lo, len), kick, drift);
            });
        }
    }

    private static void KickDriftSerial(Span<double> x, Span<double> p, ReadOnlySpan<double> g, double kick, double drift)
    {
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double rx = ref MemoryMarshal.GetReference(x);
            ref double rp = ref MemoryMarshal.GetReference(p);
            ref double rg = ref MemoryMarshal.GetReference(g);
            var vk = Vector256.Create(kick);
            var vd = Vector256.Create(drift);
            for (; i <= n - 4; i += 4)
            {
                var vp = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref rg, (nuint)i), vk,
                    Vector256.LoadUnsafe(ref rp, (nuint)i));
                vp.StoreUnsafe(ref rp, (nuint)i);
                Vector256.FusedMultiplyAdd(vp, vd, Vector256.LoadUnsafe(ref rx, (nuint)i)).StoreUnsafe(ref rx, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            p[i] = Math.FusedMultiplyAdd(g[i], kick, p[i]);
            x[i] = Math.FusedMultiplyAdd(p[i], drift, x[i]);
        }
    }

    private void ForEachChain(Action<int> body)
    {
        // Small batches are not worth a thread hand-off.
        if (Chains == 1 || (long)Chains * Dimension < 1 << 15 || _parallel.MaxDegreeOfParallelism == 1)
        {
            for (int c = 0; c < Chains; c++) body(c);
            return;
        }
        Parallel.For(0, Chains, _parallel, body);
    }
}
