using SpinFlow.Hmc;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>How relaxed configurations are produced.</summary>
public enum RelaxedSamplerKind
{
    /// <summary>Swendsen–Wang on the spins, then x | s exactly: no critical slowing down (the default).</summary>
    Exact,
    /// <summary>HMC directly on E(x), as in the paper.</summary>
    NaiveHmc,
}

/// <summary>A Markov chain (many in parallel) on relaxed configurations that leaves π_x ∝ e^{−E(x)} invariant.</summary>
public interface IRelaxedSampler : IRelaxedChains
{
    /// <summary>The model sampled.</summary>
    RelaxedIsing Model { get; }
}

/// <summary>Names used on the command line and in files.</summary>
public static class RelaxedSamplerNames
{
    /// <summary>"exact" or "naive-hmc".</summary>
    public static string Name(RelaxedSamplerKind kind) => kind switch
    {
        RelaxedSamplerKind.Exact => "exact",
        RelaxedSamplerKind.NaiveHmc => "naive-hmc",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown relaxed sampler"),
    };

    /// <summary>Parses "exact" or "naive-hmc" (case-insensitive).</summary>
    public static RelaxedSamplerKind Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "exact" => RelaxedSamplerKind.Exact,
        "naive-hmc" or "hmc" => RelaxedSamplerKind.NaiveHmc,
        _ => throw new ArgumentException($"unknown relaxed sampler '{name}': expected exact or naive-hmc"),
    };
}

/// <summary>
/// The exact relaxed sampler: each chain runs a spin-space cluster algorithm (Swendsen–Wang by default) and
/// every step draws x | s exactly, so x follows π_x without the critical slowing down of local moves.
/// </summary>
public sealed class ExactRelaxedSampler : IRelaxedSampler
{
    private readonly ISpinSampler[] _spins;
    private readonly Xoshiro256[] _noise;
    private readonly sbyte[] _spinBuffer;
    private readonly double[] _x;
    private readonly ParallelOptions _parallel;

    /// <inheritdoc />
    public RelaxedIsing Model { get; }

    /// <inheritdoc />
    public int Chains { get; }

    /// <inheritdoc />
    public ReadOnlySpan<double> Configurations => _x;

    /// <inheritdoc />
    public HmcStatistics? Acceptance => null;

    /// <summary>
    /// <paramref name="chains"/> chains on <paramref name="model"/>. <paramref name="spinSampler"/> builds the
    /// spin chain for (chain, seed); by default Swendsen–Wang from <see cref="SpinSamplers"/>.
    /// </summary>
    public ExactRelaxedSampler(RelaxedIsing model, int chains, ulong seed, Func<int, ulong, ISpinSampler>? spinSampler = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        Model = model;
        Chains = chains;
        spinSampler ??= (_, s) => SpinSamplers.Create(SpinAlgorithm.SwendsenWang, model.Size, model.Temperature, s);
        _spins = new ISpinSampler[chains];
        _noise = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            _spins[c] = spinSampler(c, Xoshiro256.ForStream(seed, 2 * (ulong)c).NextUInt64());
            if (_spins[c].Size != model.Size || _spins[c].Temperature != model.Temperature)
                throw new ArgumentException("the spin sampler must have the model's size and temperature", nameof(spinSampler));
            _noise[c] = Xoshiro256.ForStream(seed, 2 * (ulong)c + 1);
        }
        _spinBuffer = new sbyte[(long)chains * model.Sites];
        _x = new double[(long)chains * model.Sites];
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = model.MaxDegreeOfParallelism };
        DrawX();
    }

    /// <inheritdoc />
    public void Thermalize(int steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "must be non-negative");
        if (steps == 0) return;
        SweepAll(steps);
        DrawX();
    }

    /// <inheritdoc />
    public void Step()
    {
        SweepAll(1);
        DrawX();
    }

    private void SweepAll(int sweeps) => ChainSweeps.SweepEach(_spins, sweeps, Model.Sites, _parallel);

    private void DrawX()
    {
        int n = Model.Sites;
        for (int c = 0; c < Chains; c++) _spins[c].Spins.CopyTo(_spinBuffer.AsSpan(c * n, n));
        Model.SampleGivenSpins(_spinBuffer, _x, _noise);
    }
}

/// <summary>
/// Naive HMC on E(x) (the paper's way of producing training data). Chains start from x | s with random
/// spins; <see cref="Thermalize"/> is the warm-up, during which the step size is tuned.
/// </summary>
public sealed class NaiveHmcSampler : IRelaxedSampler
{
    /// <summary>The underlying HMC sampler.</summary>
    public HamiltonianMonteCarlo Hmc { get; }

    /// <inheritdoc />
    public RelaxedIsing Model { get; }

    /// <inheritdoc />
    public int Chains => Hmc.Chains;

    /// <inheritdoc />
    public ReadOnlySpan<double> Configurations => Hmc.Positions;

    /// <inheritdoc />
    public HmcStatistics? Acceptance => Hmc.Statistics;

    /// <summary><paramref name="chains"/> HMC chains on <paramref name="model"/>.</summary>
    public NaiveHmcSampler(RelaxedIsing model, int chains, HmcOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Hmc = new HamiltonianMonteCarlo(model, chains, options, Xoshiro256.ForStream(seed, 0).NextUInt64());
        int n = model.Sites;
        var spins = new sbyte[(long)chains * n];
        var rngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            rngs[c] = Xoshiro256.ForStream(seed, 1 + (ulong)c);
            SpinConfiguration.Randomize(spins.AsSpan(c * n, n), rngs[c]);
        }
        var x = new double[spins.Length];
        model.SampleGivenSpins(spins, x, rngs);
        Hmc.SetPositions(x);
    }

    /// <inheritdoc />
    public void Thermalize(int steps) => Hmc.WarmUp(steps);

    /// <inheritdoc />
    public void Step() => Hmc.Trajectory();
}
