using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Single-site Metropolis for the q-state clock model in checkerboard order; the proposal is uniform among the other Q − 1 states.</summary>
/// <remarks>
/// States are bytes k_i; bond energies come from a table of cos(2πd/Q) indexed by the state difference, and the
/// acceptance exp(−ΔE/T) is the product over the four neighbours of exp(−(cos d − cos d′)/T) from a Q×Q table
/// (no exponential per move). A sweep visits the sites of one sublattice, then the other: N attempts. For odd L
/// (no two-colouring of the torus) and L = 2 (doubled bonds) a sweep is N attempts at uniformly random sites instead,
/// which keeps the chain irreducible for Q = 2, where the proposal is deterministic.
/// </remarks>
public sealed class ClockMetropolis : IAngleSampler
{
    private readonly int _size;
    private readonly int _sites;
    private readonly int _q;
    private readonly byte[] _states;
    // _factor[(k_new − k_nb + Q) mod Q … ] laid out as [d_old, d_new] with differences reduced to 0 … Q − 1.
    private readonly double[] _factor;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _scratchCos;
    private readonly double[] _scratchSin;
    private readonly Xoshiro256 _rng;
    private readonly bool _checkerboard;
    private long _spinUpdates;
    private long _accepted;

    /// <summary>Sampler of clock:<paramref name="model"/>.States on the L×L lattice at temperature T, started from uniformly random states drawn from <paramref name="seed"/>.</summary>
    public ClockMetropolis(ClockModel model, int size, double temperature, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        Model = model;
        _q = model.States;
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        _cos = model.CosTable();
        _sin = model.SinTable();
        _factor = new double[_q * _q];
        for (int a = 0; a < _q; a++)
            for (int b = 0; b < _q; b++)
                _factor[a * _q + b] = Math.Exp(-(_cos[a] - _cos[b]) / temperature);
        _states = new byte[_sites];
        var init = new Xoshiro256(seed);
        for (int i = 0; i < _sites; i++) _states[i] = (byte)init.NextInt(_q);
        _rng = Xoshiro256.ForStream(seed, 0);
        _checkerboard = size % 2 == 0 && size >= 4;
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
    public int TuningSweeps => 0;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Fraction of accepted proposals so far.</summary>
    public double AcceptanceRate => _spinUpdates > 0 ? (double)_accepted / _spinUpdates : double.NaN;

    /// <summary>Current states k_i ∈ {0 … Q − 1}, row-major.</summary>
    public ReadOnlySpan<byte> States => _states;

    /// <summary>Replaces the configuration by <paramref name="states"/> (L×L, row-major, each below Q).</summary>
    public void SetStates(ReadOnlySpan<byte> states)
    {
        if (states.Length != _sites) throw new ArgumentException($"configuration has {states.Length} sites, expected L² = {_sites}", nameof(states));
        foreach (byte k in states)
            if (k >= _q) throw new ArgumentException($"clock state {k} is not below Q = {_q}", nameof(states));
        states.CopyTo(_states);
    }

    /// <inheritdoc />
    public void Sweep()
    {
        long accepted = 0;
        if (_checkerboard)
        {
            for (int colour = 0; colour < 2; colour++)
                for (int r = 0; r < _size; r++)
                {
                    int row = r * _size;
                    int up = (r == 0 ? _size - 1 : r - 1) * _size, down = (r == _size - 1 ? 0 : r + 1) * _size;
                    for (int c = (r + colour) & 1; c < _size; c += 2)
                        accepted += Update(row + c, up + c, down + c, c == 0 ? row + _size - 1 : row + c - 1, c == _size - 1 ? row : row + c + 1);
                }
        }
        else
        {
            for (int k = 0; k < _sites; k++)
            {
                int i = _rng.NextInt(_sites);
                accepted += UpdateAt(i / _size, i % _size);
            }
        }
        _spinUpdates += _sites;
        _accepted += accepted;
    }

    // One attempt at site (r, c) of the random-site order.
    private int UpdateAt(int r, int c)
    {
        int size = _size;
        int row = r * size;
        int up = (r == 0 ? size - 1 : r - 1) * size + c;
        int down = (r == size - 1 ? 0 : r + 1) * size + c;
        int left = row + (c == 0 ? size - 1 : c - 1);
        int right = row + (c == size - 1 ? 0 : c + 1);
        return Update(row + c, up, down, left, right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Update(int i, int up, int down, int left, int right)
    {
        int q = _q;
        ref byte s = ref MemoryMarshal.GetArrayDataReference(_states);
        ref double f = ref MemoryMarshal.GetArrayDataReference(_factor);
        int k = Unsafe.Add(ref s, i);
        ulong bits = _rng.NextUInt64();
        // Proposal: k + 1 + j (mod Q) with j uniform in 0 … Q − 2 (Lemire's multiply-shift on the high 32 bits, with
        // its rejection step so that the proposal stays exactly symmetric); the low 32 bits give the acceptance uniform.
        uint range = (uint)(q - 1);
        ulong m = (bits >> 32) * range;
        if ((uint)m < range)
        {
            uint threshold = (uint)(-(int)range) % range;
            while ((uint)m < threshold) m = (ulong)_rng.NextUInt32() * range;
        }
        int kNew = k + 1 + (int)(m >> 32);
        if (kNew >= q) kNew -= q;
        double u = (uint)bits * (1.0 / 4294967296.0);
        double w = Factor(ref f, ref s, k, kNew, up, q) * Factor(ref f, ref s, k, kNew, down, q)
                 * Factor(ref f, ref s, k, kNew, left, q) * Factor(ref f, ref s, k, kNew, right, q);
        if (u < w)
        {
            Unsafe.Add(ref s, i) = (byte)kNew;
            return 1;
        }
        return 0;
    }

    // exp(−(cos(θ_k − θ_nb) − cos(θ_new − θ_nb))/T) for one neighbour, i.e. exp(−ΔE_bond/T).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Factor(ref double f, ref byte s, int k, int kNew, int nb, int q)
    {
        int kn = Unsafe.Add(ref s, nb);
        int dOld = k - kn, dNew = kNew - kn;
        if (dOld < 0) dOld += q;
        if (dNew < 0) dNew += q;
        return Unsafe.Add(ref f, dOld * q + dNew);
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
        for (int i = 0; i < _sites; i++) angles[i] = 2 * Math.PI * _states[i] / _q;
    }
}
