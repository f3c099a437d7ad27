using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Wolff cluster update of the q-state clock model by embedding, with reflection lines that map clock states onto clock states.</summary>
/// <remarks>
/// The reflection across the line perpendicular to r (r at angle α) maps θ to 2α + π − θ; for α = πj/Q − π/2 with j
/// uniform in 0 … Q − 1 it maps state k to (j − k) mod Q, and the projection p_k = s_k·r = −sin(π(2k − j)/Q) comes
/// from a table. Bonds join with probability 1 − exp(−2p_ip_j/T) when p_ip_j &gt; 0, as for the XY embedding; sites
/// already in the cluster have reversed projections and are excluded by that test. A sweep is a fixed number of
/// clusters (<see cref="ClusterCalibration"/>).
/// </remarks>
public sealed class ClockWolff : IAngleSampler
{
    private readonly int _size;
    private readonly int _sites;
    private readonly int _q;
    private readonly byte[] _states;
    // −sin(πn/Q) for n = 0 … 2Q − 1, exactly antisymmetric (entry 2Q − n is minus entry n) and exact at 0 and ±1.
    private readonly double[] _projectionTable;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _scratchCos;
    private readonly double[] _scratchSin;
    private readonly double _twoBeta;
    private readonly int[] _queue;
    private readonly Xoshiro256 _rng;
    private readonly ClusterCalibration _calibration;
    private readonly Func<int> _flip;
    private long _spinUpdates;

    /// <summary>Sampler of clock:<paramref name="model"/>.States on the L×L lattice at temperature T, started from uniformly random states drawn from <paramref name="seed"/>.</summary>
    public ClockWolff(ClockModel model, int size, double temperature, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        Model = model;
        _q = model.States;
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        _twoBeta = 2 / temperature;
        _cos = model.CosTable();
        _sin = model.SinTable();
        _projectionTable = new double[2 * _q];
        // −sin(πn/Q) = −cos(2π(Q − 2n)/(4Q)); the second half by antisymmetry, so that reflection negates p exactly.
        for (int n = 0; n <= _q; n++) _projectionTable[n] = -ClockModel.CosOfFraction(_q - 2 * n, 4 * _q);
        for (int n = 1; n < _q; n++) _projectionTable[2 * _q - n] = -_projectionTable[n];
        _states = new byte[_sites];
        var init = new Xoshiro256(seed);
        for (int i = 0; i < _sites; i++) _states[i] = (byte)init.NextInt(_q);
        _queue = new int[_sites];
        _rng = Xoshiro256.ForStream(seed, 0);
        _calibration = new ClusterCalibration(_sites);
        _flip = FlipCluster;
        _scratchCos = new double[_sites];
        _scratchSin = new double[_sites];
    }

    /// <inheritdoc />
    public SpinModel Model { get; }

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <inheritdoc />
    public int TuningSweeps => ClusterCalibration.Sweeps;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Clusters per sweep once calibrated (0 while calibrating).</summary>
    public int ClustersPerSweep => _calibration.ClustersPerSweep;

    /// <summary>Current states k_i ∈ {0 … Q − 1}, row-major.</summary>
    public ReadOnlySpan<byte> States => _states;

    /// <summary>Replaces the configuration by <paramref name="states"/> (L×L, row-major, each below Q).</summary>
    public void SetStates(ReadOnlySpan<byte> states)
    {
        SamplerGuards.CheckClockStates(states, _q, _sites);
        states.CopyTo(_states);
    }

    /// <inheritdoc />
    public void Sweep() => _calibration.Sweep(_flip);

    /// <summary>Grows and reflects one cluster from a uniformly random site across a random clock-preserving line; returns its size.</summary>
    public int FlipCluster()
    {
        int size = _size, q = _q, twoQ = 2 * _q;
        byte[] s = _states;
        double[] table = _projectionTable;
        int axis = _rng.NextInt(q);
        double P(int k)
        {
            int n = 2 * k - axis;
            return table[n < 0 ? n + twoQ : n];
        }
        byte Reflected(int k)
        {
            int k2 = axis - k;
            return (byte)(k2 < 0 ? k2 + q : k2);
        }
        int seed = _rng.NextInt(_sites);
        s[seed] = Reflected(s[seed]);
        _queue[0] = seed;
        int head = 0, tail = 1;
        while (head < tail)
        {
            int i = _queue[head++];
            // The site is reflected already: its projection before the flip is minus the current one.
            double pi = -P(s[i]);
            int r = i / size, c = i - r * size, row = r * size;
            Try((r == 0 ? size - 1 : r - 1) * size + c);
            Try((r == size - 1 ? 0 : r + 1) * size + c);
            Try(row + (c == 0 ? size - 1 : c - 1));
            Try(row + (c == size - 1 ? 0 : c + 1));

            void Try(int j)
            {
                double coupling = pi * P(s[j]);
                if (coupling > 0 && _rng.NextDouble() < -double.ExpM1(-_twoBeta * coupling))
                {
                    s[j] = Reflected(s[j]);
                    _queue[tail++] = j;
                }
            }
        }
        _spinUpdates += tail;
        return tail;
    }

    /// <inheritdoc />
    public AngleMeasurement Measure()
    {
        for (int i = 0; i < _sites; i++)
        {
            _scratchCos[i] = _cos[_states[i]];
            _scratchSin[i] = _sin[_states[i]];
        }
        return AngleConfiguration.Measure(_scratchCos, _scratchSin, _size, AngleConfiguration.VortexDensity(_states, _q, _size));
    }

    /// <inheritdoc />
    public void CopyAngles(Span<double> angles)
    {
        AngleConfiguration.ClockAngles(_states, _q, angles[.._sites]);
    }

    /// <inheritdoc />
    public void CopySpins(Span<double> cos, Span<double> sin)
    {
        ReadOnlySpan<byte> states = _states;
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        AngleConfiguration.ClockSpins(states, _cos, _sin, cos[.._sites], sin[.._sites]);
    }
}
