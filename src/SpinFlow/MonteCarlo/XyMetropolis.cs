using System.Runtime.CompilerServices;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Single-site Metropolis for the XY model in checkerboard order: rotate a spin by δ uniform in [−Δ, Δ].</summary>
/// <remarks>
/// The state is the unit vectors (cos θ_i, sin θ_i); a move rotates one of them and is accepted with
/// min(1, exp(−ΔE/T)), ΔE = −(s′ − s)·h with h the sum of the four neighbours. The window Δ is tuned towards an
/// acceptance of ½ during the first <see cref="TuningSweeps"/> sweeps only and frozen afterwards (a window that keeps
/// adapting would break detailed balance); those sweeps belong to the burn-in. A rotated vector is pulled back to unit
/// length by one Newton step, so rounding never accumulates. Odd L and L = 2 use N attempts at random sites per sweep.
/// </remarks>
public sealed class XyMetropolis : IAngleSampler
{
    /// <summary>Sweeps during which the window is adjusted.</summary>
    public const int WindowTuningSweeps = 100;
    private const int TuneEvery = 5;
    private const double TargetAcceptance = 0.5;

    private readonly int _size;
    private readonly int _sites;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _angles;
    private readonly double _beta;
    private readonly Xoshiro256 _rng;
    private readonly bool _checkerboard;
    private long _spinUpdates;
    private long _accepted;
    private int _sweeps;
    private long _tuneAccepted;
    private long _tuneAttempts;

    /// <summary>Sampler on the L×L lattice at temperature T, started from uniformly random angles drawn from <paramref name="seed"/>.</summary>
    public XyMetropolis(int size, double temperature, ulong seed)
    {
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        _beta = 1 / temperature;
        _cos = new double[_sites];
        _sin = new double[_sites];
        _angles = new double[_sites];
        var init = new Xoshiro256(seed);
        for (int i = 0; i < _sites; i++) (_sin[i], _cos[i]) = Math.SinCos(2 * Math.PI * init.NextDouble());
        _rng = Xoshiro256.ForStream(seed, 0);
        _checkerboard = size % 2 == 0 && size >= 4;
        Window = Math.PI;
    }

    /// <inheritdoc />
    public SpinModel Model => SpinModel.Xy;

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <inheritdoc />
    public int TuningSweeps => WindowTuningSweeps;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Half-width Δ of the proposal window (π until tuned: uniform proposals).</summary>
    public double Window { get; private set; }

    /// <summary>Fraction of accepted proposals so far.</summary>
    public double AcceptanceRate => _spinUpdates > 0 ? (double)_accepted / _spinUpdates : double.NaN;

    /// <summary>The spins' x components cos θ_i.</summary>
    public ReadOnlySpan<double> Cos => _cos;

    /// <summary>The spins' y components sin θ_i.</summary>
    public ReadOnlySpan<double> Sin => _sin;

    /// <inheritdoc />
    public void Sweep()
    {
        long accepted = 0;
        double window = Window;
        if (_checkerboard)
        {
            for (int colour = 0; colour < 2; colour++)
                for (int r = 0; r < _size; r++)
                {
                    int row = r * _size;
                    int up = (r == 0 ? _size - 1 : r - 1) * _size, down = (r == _size - 1 ? 0 : r + 1) * _size;
                    for (int c = (r + colour) & 1; c < _size; c += 2)
                        accepted += Update(row + c, up + c, down + c, c == 0 ? row + _size - 1 : row + c - 1, c == _size - 1 ? row : row + c + 1, window);
                }
        }
        else
        {
            for (int k = 0; k < _sites; k++)
            {
                int i = _rng.NextInt(_sites);
                accepted += UpdateAt(i / _size, i % _size, window);
            }
        }
        _spinUpdates += _sites;
        _accepted += accepted;
        if (_sweeps < WindowTuningSweeps)
        {
            _sweeps++;
            _tuneAccepted += accepted;
            _tuneAttempts += _sites;
            if (_sweeps % TuneEvery == 0)
            {
                double rate = (double)_tuneAccepted / _tuneAttempts;
                Window = Math.Clamp(Window * Math.Clamp(rate / TargetAcceptance, 0.5, 2.0), 1e-3, Math.PI);
                _tuneAccepted = _tuneAttempts = 0;
            }
        }
    }

    // One attempt at site (r, c) of the random-site order.
    private int UpdateAt(int r, int c, double window)
    {
        int size = _size;
        int row = r * size;
        int up = (r == 0 ? size - 1 : r - 1) * size + c;
        int down = (r == size - 1 ? 0 : r + 1) * size + c;
        int left = row + (c == 0 ? size - 1 : c - 1);
        int right = row + (c == size - 1 ? 0 : c + 1);
        return Update(row + c, up, down, left, right, window);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Update(int i, int up, int down, int left, int right, double window)
    {
        double[] cs = _cos, sn = _sin;
        double hx = cs[up] + cs[down] + cs[left] + cs[right];
        double hy = sn[up] + sn[down] + sn[left] + sn[right];
        ulong bits = _rng.NextUInt64();
        double delta = window * ((bits >> 11) * (2.0 / (1UL << 53)) - 1);
        var (sd, cd) = Math.SinCos(delta);
        double c0 = cs[i], s0 = sn[i];
        double c1 = c0 * cd - s0 * sd, s1 = s0 * cd + c0 * sd;
        double norm = 1.5 - 0.5 * (c1 * c1 + s1 * s1);
        c1 *= norm;
        s1 *= norm;
        double dE = -((c1 - c0) * hx + (s1 - s0) * hy);
        if (dE <= 0 || _rng.NextDouble() < Math.Exp(-_beta * dE))
        {
            cs[i] = c1;
            sn[i] = s1;
            return 1;
        }
        return 0;
    }

    /// <inheritdoc />
    public AngleMeasurement Measure()
    {
        CopyAngles(_angles);
        return AngleConfiguration.Measure(_cos, _sin, _size, AngleConfiguration.VortexDensity(_angles, _size));
    }

    /// <inheritdoc />
    public void CopyAngles(Span<double> angles)
    {
        for (int i = 0; i < _sites; i++)
        {
            double a = Math.Atan2(_sin[i], _cos[i]);
            angles[i] = a < 0 ? a + 2 * Math.PI : a;
        }
    }
}
