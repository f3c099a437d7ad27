using SpinFlow.Lattice;
using SpinFlow.MonteCarlo;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>
/// The x-space spin move of <see cref="RelaxedAngleModel"/>: s ~ p(s | x) per site (clock states or von Mises angles),
/// Metropolis sweeps of s at T (<see cref="ClockMetropolis"/>; <see cref="XyMetropolis"/> with a fixed window), optionally
/// a fixed number of Wolff cluster reflections (<see cref="ClockWolff"/>, <see cref="XyWolff"/>), and x ~ N(K's, K') per
/// component. Chain c draws its spins from stream (seed, 3c), its field from (seed, 3c + 1) and seeds its Metropolis chain
/// from (seed, 3c + 2) and its Wolff chain from (seed, 3c + 3·2⁴⁰). Not thread-safe: buffers are reused between calls.
/// </summary>
/// <remarks>
/// The XY window must not adapt during the moves (an adapting window breaks detailed balance), so it is fixed at
/// construction: unless given, it is the window that <see cref="XyMetropolis"/>'s own tuning reaches in its
/// <see cref="XyMetropolis.WindowTuningSweeps"/> sweeps from a random start at T (a calibration chain on stream
/// (seed, 2⁶⁴ − 1), so the window does not depend on the number of chains). The XY sweeps run on float32 spins, so s is
/// rounded to float32 between the draw and the sweeps, a change of order 10⁻⁷ like the flows' own round-off.
/// Local sweeps cannot change the winding of the angle field around the torus below T_BKT, and a flow can generate a
/// twisted configuration; cluster reflections change it in one step. Their number per move is fixed (each reflection
/// leaves π_s invariant; a count that stopped after N flipped spins would depend on the state and break that).
/// </remarks>
public sealed class RelaxedAngleSpinMove : IRelaxedSpinMove
{
    private readonly RelaxedAngleModel _model;
    private readonly ClockMetropolis[] _clock = [];
    private readonly XyMetropolis[] _xy = [];
    private readonly ClockWolff[] _clockClusters = [];
    private readonly XyWolff[] _xyClusters = [];
    private readonly Xoshiro256[] _spinRngs, _fieldRngs;
    private readonly double[] _spins, _angles, _cos, _sin;
    private readonly byte[] _states;
    private readonly double[] _clockCos = [], _clockSin = [];
    private int _moves;

    /// <summary>
    /// The move for <paramref name="chains"/> chains of <paramref name="model"/>; <paramref name="window"/> fixes the XY
    /// rotation window Δ ∈ (0, π] (default: calibrated, see the remarks; ignored for clock models); <paramref name="clusters"/>
    /// Wolff cluster reflections follow the sweeps in every move.
    /// </summary>
    public RelaxedAngleSpinMove(RelaxedAngleModel model, int chains, int sweeps, ulong seed, double? window = null, int clusters = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        if (sweeps < 1) throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "a spin move needs at least one sweep");
        if (clusters < 0) throw new ArgumentOutOfRangeException(nameof(clusters), clusters, "cluster reflections per move must be non-negative");
        _model = model;
        Sweeps = sweeps;
        Clusters = clusters;
        Chains = chains;
        int n = model.Sites;
        _spinRngs = new Xoshiro256[chains];
        _fieldRngs = new Xoshiro256[chains];
        for (int c = 0; c < chains; c++)
        {
            _spinRngs[c] = Xoshiro256.ForStream(seed, 3UL * (ulong)c);
            _fieldRngs[c] = Xoshiro256.ForStream(seed, 3UL * (ulong)c + 1);
        }
        ulong MetropolisSeed(int c) => Xoshiro256.ForStream(seed, 3UL * (ulong)c + 2).NextUInt64();
        ulong WolffSeed(int c) => Xoshiro256.ForStream(seed, 3UL * (ulong)c + (3UL << 40)).NextUInt64();
        if (model.Model is ClockModel clock)
        {
            _clock = new ClockMetropolis[chains];
            for (int c = 0; c < chains; c++) _clock[c] = new ClockMetropolis(clock, model.Size, model.Temperature, MetropolisSeed(c));
            if (clusters > 0)
                _clockClusters = Enumerable.Range(0, chains).Select(c => new ClockWolff(clock, model.Size, model.Temperature, WolffSeed(c))).ToArray();
            _clockCos = clock.CosTable();
            _clockSin = clock.SinTable();
            Window = double.NaN;
        }
        else
        {
            Window = window ?? CalibratedWindow(model.Size, model.Temperature, Xoshiro256.ForStream(seed, ulong.MaxValue).NextUInt64());
            _xy = new XyMetropolis[chains];
            for (int c = 0; c < chains; c++) _xy[c] = new XyMetropolis(model.Size, model.Temperature, MetropolisSeed(c), Window);
            if (clusters > 0)
                _xyClusters = Enumerable.Range(0, chains).Select(c => new XyWolff(model.Size, model.Temperature, WolffSeed(c))).ToArray();
        }
        _spins = new double[chains * model.Dimension];
        _angles = new double[chains * n];
        _cos = new double[chains * n];
        _sin = new double[chains * n];
        _states = new byte[chains * n];
    }

    /// <summary>The window XyMetropolis's tuning reaches on the L×L lattice at T from a random start (seeded by <paramref name="seed"/>).</summary>
    public static double CalibratedWindow(int size, double temperature, ulong seed)
    {
        var calibration = new XyMetropolis(size, temperature, seed);
        for (int s = 0; s < XyMetropolis.WindowTuningSweeps; s++) calibration.Sweep();
        return calibration.Window;
    }

    /// <inheritdoc />
    public int Chains { get; }

    /// <inheritdoc />
    public int Sweeps { get; }

    /// <summary>Wolff cluster reflections after the sweeps of every move (0: none).</summary>
    public int Clusters { get; }

    /// <summary>The fixed XY rotation window Δ (NaN for clock models).</summary>
    public double Window { get; }

    /// <inheritdoc />
    public double SpinAcceptance
    {
        get
        {
            if (_moves == 0) return double.NaN;
            double sum = 0;
            foreach (var m in _clock) sum += m.AcceptanceRate;
            foreach (var m in _xy) sum += m.AcceptanceRate;
            return sum / Chains;
        }
    }

    /// <inheritdoc />
    public void Apply(Span<double> x)
    {
        int chains = Chains, n = _model.Sites, d = _model.Dimension;
        if (x.Length != chains * d) throw new ArgumentException($"expected {chains} × {d} values, got {x.Length}", nameof(x));
        unsafe
        {
            fixed (double* px = x)
            {
                nint ax = (nint)px;
                Parallel.For(0, chains, c => SweepChain(c, new ReadOnlySpan<double>((double*)ax + (long)c * d, d)));
            }
        }
        _model.SampleGivenSpins(_spins, x, _fieldRngs);
        _moves++;
    }

    // s | x, the sweeps, and the swept spins into the chain's slot of _spins.
    private void SweepChain(int c, ReadOnlySpan<double> x)
    {
        int n = _model.Sites;
        var spins = _spins.AsSpan(c * 2 * n, 2 * n);
        if (_clock.Length > 0)
        {
            var states = _states.AsSpan(c * n, n);
            _model.SampleClockStates(x, states, _spinRngs[c]);
            var metropolis = _clock[c];
            metropolis.SetStates(states);
            for (int s = 0; s < Sweeps; s++) metropolis.Sweep();
            ReadOnlySpan<byte> swept = metropolis.States;
            if (Clusters > 0)
            {
                var wolff = _clockClusters[c];
                wolff.SetStates(swept);
                for (int k = 0; k < Clusters; k++) wolff.FlipCluster();
                swept = wolff.States;
            }
            for (int i = 0; i < n; i++)
            {
                spins[2 * i] = _clockCos[swept[i]];
                spins[2 * i + 1] = _clockSin[swept[i]];
            }
            return;
        }
        var angles = _angles.AsSpan(c * n, n);
        var cos = _cos.AsSpan(c * n, n);
        var sin = _sin.AsSpan(c * n, n);
        _model.SampleAngles(x, angles, _spinRngs[c]);
        for (int i = 0; i < n; i++) (sin[i], cos[i]) = Math.SinCos(angles[i]);
        var xy = _xy[c];
        xy.SetSpins(cos, sin);
        for (int s = 0; s < Sweeps; s++) xy.Sweep();
        xy.CopySpins(cos, sin);
        if (Clusters > 0)
        {
            var wolff = _xyClusters[c];
            wolff.SetSpins(cos, sin);
            for (int k = 0; k < Clusters; k++) wolff.FlipCluster();
            wolff.CopySpins(cos, sin);
        }
        for (int i = 0; i < n; i++)
        {
            spins[2 * i] = cos[i];
            spins[2 * i + 1] = sin[i];
        }
    }
}
