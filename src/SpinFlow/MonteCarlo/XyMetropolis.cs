using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpinFlow.Lattice;
using SpinFlow.Numerics;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Single-site Metropolis for the XY model in checkerboard order: rotate a spin by δ uniform in [−Δ, Δ].</summary>
/// <remarks>
/// The state is the unit vectors (cos θ_i, sin θ_i); a move rotates one of them and is accepted with
/// min(1, exp(−ΔE/T)), ΔE = −(s′ − s)·h with h the sum of the four neighbours. The window Δ is tuned towards an
/// acceptance of ½ during the first <see cref="TuningSweeps"/> sweeps only and frozen afterwards (a window that keeps
/// adapting would break detailed balance); those sweeps belong to the burn-in. A rotated vector is pulled back to unit
/// length by one Newton step, so rounding never accumulates. Odd L and L = 2 use N attempts at random sites per sweep,
/// in double precision.
/// <para>
/// For even L ≥ 4 the spins are float32 (cos θ, sin θ) on the two sublattices, stored apart with periodic ghosts as in
/// Ising's <see cref="Metropolis"/>, and a half sweep updates eight sites per step: δ = Δ·(2n + 1 − 2²⁴)/2²⁴ from 24
/// random bits (a set of rotations symmetric about 0), sin and cos of δ/2 by polynomials that are odd and even bit for
/// bit, doubled to δ; acceptance u &lt; e^(−ΔE/T) with u = (m + ½)/2²⁴ and a polynomial exponential
/// (<see cref="VectorMath"/>). Only Vector256 arithmetic is used, so machines without AVX2 run the same steps in software.
/// </para>
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
    private readonly bool _fixedWindow;

    private const int Lanes = 8;
    private const int RowOffset = Lanes;
    // Checkerboard (even L ≥ 4): float sublattices of cos θ and sin θ; the double arrays are a copy assembled on access.
    private readonly int _half;
    private readonly int _stride;
    private readonly float[][] _subCos = [];
    private readonly float[][] _subSin = [];
    // Lane generators: eight 64-bit lanes in one AVX-512 vector where the JIT uses them, else two AVX2 steps per chunk.
    private ChunkBitsX4 _bitsX4;
    private ChunkBitsX8 _bitsX8;
    private readonly bool _wideBits;
    private bool _stale;

    /// <summary>Sampler on the L×L lattice at temperature T, started from uniformly random angles drawn from <paramref name="seed"/>.</summary>
    public XyMetropolis(int size, double temperature, ulong seed) : this(size, temperature, seed, null) { }

    /// <summary>
    /// Sampler with the fixed window <paramref name="window"/> (0 &lt; Δ ≤ π), never tuned: every sweep leaves exp(−H/T)
    /// invariant from the first one on (what a move between other exact moves needs).
    /// </summary>
    public XyMetropolis(int size, double temperature, ulong seed, double window) : this(size, temperature, seed, (double?)window)
    {
        if (!(window > 0 && window <= Math.PI)) throw new ArgumentOutOfRangeException(nameof(window), window, "the Metropolis window must satisfy 0 < Δ ≤ π");
    }

    private XyMetropolis(int size, double temperature, ulong seed, double? window)
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
        Window = window ?? Math.PI;
        if (window is not null) _sweeps = WindowTuningSweeps;
        _fixedWindow = window is not null;
        if (_checkerboard)
        {
            _half = size / 2;
            _stride = (_half + Lanes - 1) / Lanes * Lanes + 2 * Lanes;
            _subCos = [new float[size * _stride], new float[size * _stride]];
            _subSin = [new float[size * _stride], new float[size * _stride]];
            _wideBits = Vector512.IsHardwareAccelerated;
            if (_wideBits) _bitsX8 = new ChunkBitsX8(_rng);
            else _bitsX4 = new ChunkBitsX4(_rng);
            Scatter();
        }
    }

    /// <inheritdoc />
    public SpinModel Model => SpinModel.Xy;

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <inheritdoc />
    public int TuningSweeps => _fixedWindow ? 0 : WindowTuningSweeps;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Half-width Δ of the proposal window (π until tuned: uniform proposals).</summary>
    public double Window { get; private set; }

    /// <summary>Fraction of accepted proposals so far.</summary>
    public double AcceptanceRate => _spinUpdates > 0 ? (double)_accepted / _spinUpdates : double.NaN;

    /// <summary>The spins' x components cos θ_i.</summary>
    public ReadOnlySpan<double> Cos
    {
        get
        {
            if (_stale) Gather();
            return _cos;
        }
    }

    /// <summary>The spins' y components sin θ_i.</summary>
    public ReadOnlySpan<double> Sin
    {
        get
        {
            if (_stale) Gather();
            return _sin;
        }
    }

    /// <summary>Replaces the configuration by the unit spins (<paramref name="cos"/>, <paramref name="sin"/>) (L×L, row-major; rounded to float32 on the checkerboard path).</summary>
    public void SetSpins(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin)
    {
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        cos.CopyTo(_cos);
        sin.CopyTo(_sin);
        _stale = false;
        if (_checkerboard) Scatter();
    }

    /// <inheritdoc />
    public void Sweep()
    {
        long accepted = 0;
        double window = Window;
        if (_checkerboard)
        {
            for (int colour = 0; colour < 2; colour++)
                accepted += _wideBits ? HalfSweep(colour, (float)window, ref _bitsX8) : HalfSweep(colour, (float)window, ref _bitsX4);
            _stale = true;
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

    /// <summary>One half sweep of sublattice <paramref name="colour"/>, eight sites per step.</summary>
    private long HalfSweep<TBits>(int colour, float window, ref TBits bits) where TBits : struct, IChunkBits
    {
        int size = _size, half = _half, stride = _stride;
        ref float ownCos = ref MemoryMarshal.GetArrayDataReference(_subCos[colour]);
        ref float ownSin = ref MemoryMarshal.GetArrayDataReference(_subSin[colour]);
        ref float otherCos = ref MemoryMarshal.GetArrayDataReference(_subCos[1 - colour]);
        ref float otherSin = ref MemoryMarshal.GetArrayDataReference(_subSin[1 - colour]);
        TBits rng = bits;
        var halfWindow = Vector256.Create(window * 0.5f / (1 << 24));
        var offset = Vector256.Create(1 - (1 << 24));
        var scale = Vector256.Create(1f / (1 << 24));
        var halfStep = Vector256.Create(0.5f / (1 << 24));
        var beta = Vector256.Create((float)_beta);
        var threeHalves = Vector256.Create(1.5f);
        var oneHalf = Vector256.Create(0.5f);
        int tail = half % Lanes == 0 ? Lanes : half % Lanes;
        var tailMask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(tail)).AsSingle();
        int full = half - tail;
        long accepted = 0;
        for (int r = 0; r < size; r++)
        {
            int up = (r == 0 ? size - 1 : r - 1) * stride + RowOffset;
            int down = (r == size - 1 ? 0 : r + 1) * stride + RowOffset;
            int rowStart = r * stride + RowOffset;
            // Site k of this row sits at column 2k + ((r + colour) & 1): horizontal neighbours k − 1 and k, or k and k + 1.
            int shift = ((r + colour) & 1) == 0 ? -1 : 1;
            for (int k = 0; k <= full; k += Lanes)
            {
                nuint at = (nuint)(rowStart + k), above = (nuint)(up + k), below = (nuint)(down + k), side = (nuint)(rowStart + k + shift);
                Vector256<float> hx = Vector256.LoadUnsafe(ref otherCos, above) + Vector256.LoadUnsafe(ref otherCos, below)
                    + (Vector256.LoadUnsafe(ref otherCos, at) + Vector256.LoadUnsafe(ref otherCos, side));
                Vector256<float> hy = Vector256.LoadUnsafe(ref otherSin, above) + Vector256.LoadUnsafe(ref otherSin, below)
                    + (Vector256.LoadUnsafe(ref otherSin, at) + Vector256.LoadUnsafe(ref otherSin, side));
                rng.Next(out Vector256<uint> first, out Vector256<uint> second);
                Vector256<int> angleBits = (first >>> 8).AsInt32();
                Vector256<int> uniformBits = (second >>> 8).AsInt32();
                // δ/2 = (Δ/2)·(2n + 1 − 2²⁴)/2²⁴: the integer is odd and below 2²⁴ in size, so exact in float.
                Vector256<float> halfDelta = Vector256.ConvertToSingle(angleBits + angleBits + offset) * halfWindow;
                var (sh, ch) = VectorMath.SinCosHalfPi(halfDelta);
                Vector256<float> sd = (sh + sh) * ch, cd = Vector256.FusedMultiplyAdd(ch, ch, -(sh * sh));
                Vector256<float> c0 = Vector256.LoadUnsafe(ref ownCos, at), s0 = Vector256.LoadUnsafe(ref ownSin, at);
                Vector256<float> c1 = Vector256.FusedMultiplyAdd(c0, cd, -(s0 * sd)), s1 = Vector256.FusedMultiplyAdd(s0, cd, c0 * sd);
                Vector256<float> norm = threeHalves - oneHalf * Vector256.FusedMultiplyAdd(c1, c1, s1 * s1);
                c1 *= norm;
                s1 *= norm;
                Vector256<float> x = beta * -Vector256.FusedMultiplyAdd(c1 - c0, hx, (s1 - s0) * hy);
                Vector256<float> u = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(uniformBits), scale, halfStep);
                Vector256<float> accept = Vector256.LessThan(u, VectorMath.ExpNonPositive(Vector256.Min(-x, Vector256<float>.Zero)));
                if (k == full) accept &= tailMask;
                accepted += BitOperations.PopCount(accept.ExtractMostSignificantBits());
                Vector256.ConditionalSelect(accept, c1, c0).StoreUnsafe(ref ownCos, at);
                Vector256.ConditionalSelect(accept, s1, s0).StoreUnsafe(ref ownSin, at);
            }
        }
        bits = rng;
        // Refresh the ghosts that the other sublattice reads for its periodic wrap.
        foreach (float[] own in (ReadOnlySpan<float[]>)[_subCos[colour], _subSin[colour]])
            for (int r = 0; r < size; r++)
            {
                int start = r * stride + RowOffset;
                own[start - 1] = own[start + half - 1];
                own[start + half] = own[start];
            }
        return accepted;
    }

    private void Scatter()
    {
        for (int r = 0; r < _size; r++)
            for (int colour = 0; colour < 2; colour++)
            {
                int start = r * _stride + RowOffset;
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++)
                {
                    _subCos[colour][start + k] = (float)_cos[r * _size + 2 * k + first];
                    _subSin[colour][start + k] = (float)_sin[r * _size + 2 * k + first];
                }
                foreach (float[] own in (ReadOnlySpan<float[]>)[_subCos[colour], _subSin[colour]])
                {
                    own[start - 1] = own[start + _half - 1];
                    own[start + _half] = own[start];
                }
            }
    }

    private void Gather()
    {
        for (int r = 0; r < _size; r++)
            for (int colour = 0; colour < 2; colour++)
            {
                int start = r * _stride + RowOffset;
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++)
                {
                    _cos[r * _size + 2 * k + first] = _subCos[colour][start + k];
                    _sin[r * _size + 2 * k + first] = _subSin[colour][start + k];
                }
            }
        _stale = false;
    }

    /// <inheritdoc />
    public AngleMeasurement Measure()
    {
        if (_stale) Gather();
        CopyAngles(_angles);
        return AngleConfiguration.Measure(_cos, _sin, _size, AngleConfiguration.VortexDensity(_angles, _size));
    }

    /// <inheritdoc />
    public void CopyAngles(Span<double> angles)
    {
        if (_stale) Gather();
        AngleConfiguration.AnglesOf(_cos, _sin, angles[.._sites]);
    }

    /// <inheritdoc />
    public void CopySpins(Span<double> cos, Span<double> sin)
    {
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        Cos.CopyTo(cos);
        Sin.CopyTo(sin);
    }
}
