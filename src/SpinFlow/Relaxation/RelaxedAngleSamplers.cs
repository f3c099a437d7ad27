using SpinFlow.Hmc;
using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>A Markov chain (many in parallel) on relaxed clock or XY configurations that leaves π_x ∝ e^{−E(x)} invariant.</summary>
public interface IRelaxedAngleSampler : IRelaxedChains
{
    /// <summary>The relaxed model sampled.</summary>
    RelaxedAngleModel Model { get; }

    /// <summary>Steps at the start that the sampler needs for tuning (Wolff cluster calibration, HMC warm-up): the least thermalisation.</summary>
    int TuningSteps { get; }
}

/// <summary>
/// The exact relaxed sampler of the clock and XY models: each chain runs the Wolff algorithm on the angles and every step
/// draws x | s exactly, so x follows π_x without the critical slowing down of local moves in x.
/// </summary>
public sealed class ExactRelaxedAngleSampler : IRelaxedAngleSampler
{
    private readonly IAngleSampler[] _angles;
    private readonly Xoshiro256[] _noise;
    private readonly double[] _angleBuffer, _spinBuffer, _x;
    private readonly ParallelOptions _parallel;

    /// <inheritdoc />
    public RelaxedAngleModel Model { get; }

    /// <inheritdoc />
    public int Chains { get; }

    /// <inheritdoc />
    public ReadOnlySpan<double> Configurations => _x;

    /// <inheritdoc />
    public int TuningSteps => _angles[0].TuningSweeps;

    /// <inheritdoc />
    public HmcStatistics? Acceptance => null;

    /// <summary>
    /// <paramref name="chains"/> chains on <paramref name="model"/>; <paramref name="angleSampler"/> builds the angle chain
    /// for (chain, seed), by default Wolff from <see cref="AngleSamplers"/>.
    /// </summary>
    public ExactRelaxedAngleSampler(RelaxedAngleModel model, int chains, ulong seed, Func<int, ulong, IAngleSampler>? angleSampler = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        Model = model;
        Chains = chains;
        angleSampler ??= (_, s) => AngleSamplers.Create(model.Model, SpinAlgorithm.Wolff, model.Size, model.Temperature, s);
        _angles = new IAngleSampler[chains];
        _noise = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            _angles[c] = angleSampler(c, Xoshiro256.ForStream(seed, 2 * (ulong)c).NextUInt64());
            if (_angles[c].Size != model.Size || _angles[c].Temperature != model.Temperature || _angles[c].Model != model.Model)
                throw new ArgumentException("the angle sampler must have the model's spin model, size and temperature", nameof(angleSampler));
            _noise[c] = Xoshiro256.ForStream(seed, 2 * (ulong)c + 1);
        }
        _angleBuffer = new double[(long)chains * model.Sites];
        _spinBuffer = new double[(long)chains * model.Dimension];
        _x = new double[_spinBuffer.Length];
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

    private void SweepAll(int sweeps) => ChainSweeps.SweepEach(_angles, sweeps, Model.Sites, _parallel);

    private void DrawX()
    {
        int n = Model.Sites;
        for (int c = 0; c < Chains; c++) _angles[c].CopyAngles(_angleBuffer.AsSpan(c * n, n));
        Model.SpinsFromAngles(_angleBuffer, _spinBuffer);
        Model.SampleGivenSpins(_spinBuffer, _x, _noise);
    }
}

/// <summary>
/// Naive HMC on E(x) of the relaxed clock or XY model. Chains start from x | s with uniformly random angles;
/// <see cref="Thermalize"/> is the warm-up, during which the step size is tuned.
/// </summary>
public sealed class NaiveHmcAngleSampler : IRelaxedAngleSampler
{
    /// <summary>The underlying HMC sampler.</summary>
    public HamiltonianMonteCarlo Hmc { get; }

    /// <inheritdoc />
    public RelaxedAngleModel Model { get; }

    /// <inheritdoc />
    public int Chains => Hmc.Chains;

    /// <inheritdoc />
    public ReadOnlySpan<double> Configurations => Hmc.Positions;

    /// <inheritdoc />
    public int TuningSteps => 0;

    /// <inheritdoc />
    public HmcStatistics? Acceptance => Hmc.Statistics;

    /// <summary><paramref name="chains"/> HMC chains on <paramref name="model"/>.</summary>
    public NaiveHmcAngleSampler(RelaxedAngleModel model, int chains, HmcOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Hmc = new HamiltonianMonteCarlo(model, chains, options, Xoshiro256.ForStream(seed, 0).NextUInt64());
        int n = model.Sites;
        var angles = new double[(long)chains * n];
        var rngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            rngs[c] = Xoshiro256.ForStream(seed, 1 + (ulong)c);
            for (int i = 0; i < n; i++) angles[c * n + i] = 2 * Math.PI * rngs[c].NextDouble();
        }
        var spins = new double[(long)chains * model.Dimension];
        model.SpinsFromAngles(angles, spins);
        var x = new double[spins.Length];
        model.SampleGivenSpins(spins, x, rngs);
        Hmc.SetPositions(x);
    }

    /// <inheritdoc />
    public void Thermalize(int steps) => Hmc.WarmUp(steps);

    /// <inheritdoc />
    public void Step() => Hmc.Trajectory();
}
