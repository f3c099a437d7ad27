using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Single-site Metropolis for the q-state clock model in checkerboard order; the proposal is uniform among the other Q − 1 states.</summary>
/// <remarks>
/// <para>
/// For even L ≥ 4 the two sublattices are stored separately as int32 states, L rows of L/2 with a ghost on either side
/// for the periodic wrap (the layout of Ising's <see cref="Metropolis"/>), so the four neighbours of sites k … k+7 of a
/// row are contiguous slices of the other sublattice. A half sweep updates one sublattice, whose sites do not interact,
/// eight at a time; a sweep is the two half sweeps, N attempts.
/// </para>
/// <para>
/// Each site of a chunk of eight gets 32 random bits for its proposal k + 1 + j (mod Q), j uniform in 0 … Q − 2 by
/// Lemire's multiply-shift on 24 of them with its rejection step (redraws come from a scalar stream), and 32 bits for
/// its acceptance uniform u. It moves when u &lt; w, w = exp(−ΔE/T) being the product over the four neighbours of a
/// factor looked up by (j, k − k_neighbour): no exponential per move. The vector kernel gathers float factors and
/// decides every lane whose u lies clearly away from w; a chunk with a lane too close to call (or a proposal to redraw)
/// is redone by the scalar kernel in double precision from the same random bits, so both kernels make the same
/// decisions and the chain does not depend on which ran.
/// </para>
/// <para>
/// Odd L (no two-colouring of the torus) and L = 2 (doubled bonds) use N attempts at uniformly random sites instead,
/// which keeps the chain irreducible for Q = 2, where the proposal is deterministic.
/// </para>
/// </remarks>
public sealed class ClockMetropolis : IAngleSampler
{
    private const int Lanes = 8;
    private const int RowOffset = Lanes;
    private const int ProposalBits = 24;
    private const uint ProposalMask = (1u << ProposalBits) - 1;

    private readonly int _size;
    private readonly int _sites;
    private readonly int _q;
    private readonly byte[] _states;
    private bool _statesStale;
    // exp(−ΔE_bond/T) of a move k → k + 1 + j next to a neighbour k_n, at [j·2Q + (k − k_n) + Q].
    private readonly double[] _factor;
    private readonly float[] _factorSingle;
    private readonly double[] _cos;
    private readonly double[] _sin;
    private readonly double[] _scratchCos;
    private readonly double[] _scratchSin;
    private readonly Xoshiro256 _rng;
    private readonly bool _checkerboard;
    private long _spinUpdates;
    private long _accepted;

    // Checkerboard (even L ≥ 4): sublattice storage and the lane generator.
    private readonly int _half;
    private readonly int _stride;
    private readonly int[][] _sublattice = [];
    // Lane generators: eight 64-bit lanes in one AVX-512 vector where the JIT uses them, else two AVX2 steps per chunk.
    private ChunkBitsX4 _bitsX4;
    private ChunkBitsX8 _bitsX8;
    private readonly bool _wideBits;
    private readonly bool _vectorSafe;
    // exp(∓cos(2πd/Q)/T) at [d mod 16] for d ∈ (−Q, Q), Q ≤ 8, as two halves of eight (see Lookup16).
    private readonly Vector256<float> _oldLow, _oldHigh, _newLow, _newHigh;
    private readonly bool _permuteTables;

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
        _factor = new double[Math.Max(1, _q - 1) * 2 * _q];
        _factorSingle = new float[_factor.Length];
        double largestLog = 0;
        for (int j = 0; j < _q - 1; j++)
            for (int d = 1 - _q; d < _q; d++)
            {
                int dOld = (d + _q) % _q, dNew = (d + 1 + j + _q) % _q;
                double log = -(_cos[dOld] - _cos[dNew]) / temperature;
                largestLog = Math.Max(largestLog, Math.Abs(log));
                int at = j * 2 * _q + d + _q;
                _factor[at] = Math.Exp(log);
                _factorSingle[at] = (float)_factor[at];
            }
        // The float product of four factors must stay finite and normal (e^±87 is the float range).
        _vectorSafe = 4 * largestLog < 80;
        if (_q <= 8)
        {
            Span<float> old = stackalloc float[16], neu = stackalloc float[16];
            for (int d = 1 - _q; d < _q; d++)
            {
                double c = _cos[(d + _q) % _q];
                old[d & 15] = (float)Math.Exp(-c / temperature);
                neu[d & 15] = (float)Math.Exp(c / temperature);
            }
            _oldLow = Vector256.Create<float>(old[..8]);
            _oldHigh = Vector256.Create<float>(old[8..]);
            _newLow = Vector256.Create<float>(neu[..8]);
            _newHigh = Vector256.Create<float>(neu[8..]);
            _permuteTables = true;
        }
        _states = new byte[_sites];
        var init = new Xoshiro256(seed);
        for (int i = 0; i < _sites; i++) _states[i] = (byte)init.NextInt(_q);
        _rng = Xoshiro256.ForStream(seed, 0);
        _checkerboard = size % 2 == 0 && size >= 4;
        _scratchCos = new double[_sites];
        _scratchSin = new double[_sites];
        if (_checkerboard)
        {
            _half = size / 2;
            _stride = (_half + Lanes - 1) / Lanes * Lanes + 2 * Lanes;
            _sublattice = [new int[size * _stride], new int[size * _stride]];
            _wideBits = Vector512.IsHardwareAccelerated;
            if (_wideBits) _bitsX8 = new ChunkBitsX8(_rng);
            else _bitsX4 = new ChunkBitsX4(_rng);
            Scatter();
        }
        VectorKernel = Avx2.IsSupported;
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

    /// <summary>Whether checkerboard half sweeps may use the AVX2 kernel (it still defers to the scalar one where it must); off, the scalar kernel makes the same moves.</summary>
    internal bool VectorKernel { get; set; }

    /// <summary>Chunks of eight that the vector kernel left to the scalar kernel (a lane too close to call or a proposal to redraw).</summary>
    internal long DeferredChunks { get; private set; }

    /// <summary>Current states k_i ∈ {0 … Q − 1}, row-major.</summary>
    public ReadOnlySpan<byte> States
    {
        get
        {
            if (_statesStale) Gather();
            return _states;
        }
    }

    /// <summary>Replaces the configuration by <paramref name="states"/> (L×L, row-major, each below Q).</summary>
    public void SetStates(ReadOnlySpan<byte> states)
    {
        SamplerGuards.CheckClockStates(states, _q, _sites);
        states.CopyTo(_states);
        _statesStale = false;
        if (_checkerboard) Scatter();
    }

    /// <inheritdoc />
    public void Sweep()
    {
        long accepted = 0;
        if (_checkerboard)
        {
            bool vector = VectorKernel && _vectorSafe && Avx2.IsSupported;
            for (int colour = 0; colour < 2; colour++)
                accepted += (vector, _wideBits) switch
                {
                    (true, true) => HalfSweepVector(colour, ref _bitsX8),
                    (true, false) => HalfSweepVector(colour, ref _bitsX4),
                    (false, true) => HalfSweepScalar(colour, ref _bitsX8),
                    (false, false) => HalfSweepScalar(colour, ref _bitsX4),
                };
            _statesStale = true;
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

    /// <summary>One half sweep of sublattice <paramref name="colour"/>, eight sites per step; factors from in-register tables (Q ≤ 8) or AVX2 gathers.</summary>
    private unsafe long HalfSweepVector<TBits>(int colour, ref TBits bits) where TBits : struct, IChunkBits
    {
        int size = _size, half = _half, stride = _stride, q = _q;
        ref int own = ref MemoryMarshal.GetArrayDataReference(_sublattice[colour]);
        ref int other = ref MemoryMarshal.GetArrayDataReference(_sublattice[1 - colour]);
        TBits rng = bits;
        uint range = (uint)(q - 1);
        var rangeV = Vector256.Create(range);
        var thresholdV = Vector256.Create((1u << ProposalBits) % range);
        var maskV = Vector256.Create(ProposalMask);
        var qV = Vector256.Create(q);
        var one = Vector256.Create(1);
        var twoQ = Vector256.Create(2 * q);
        var offsetQ = Vector256.Create(q);
        var scale = Vector256.Create(1f / (1 << ProposalBits));
        var step = Vector256.Create(1f / (1 << ProposalBits));
        // w in float (at most 15 roundings) is within 2^−20 of w in double; these margins leave lanes to the scalar kernel well before that.
        var below = Vector256.Create(1f - 1f / (1 << 17));
        var above = Vector256.Create(1f + 1f / (1 << 16));
        // Q ≤ 8: w = Π exp(−cos d_old/T) · Π exp(cos d_new/T) from in-register tables instead of gathers.
        bool permute = _permuteTables;
        Vector256<float> oldLow = _oldLow, oldHigh = _oldHigh, newLow = _newLow, newHigh = _newHigh;
        int tail = half % Lanes == 0 ? Lanes : half % Lanes;
        var tailMask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(tail));
        int full = half - tail;
        long accepted = 0;
        fixed (float* table = _factorSingle)
        {
            for (int r = 0; r < size; r++)
            {
                int up = r == 0 ? size - 1 : r - 1;
                int down = r == size - 1 ? 0 : r + 1;
                int rowStart = r * stride + RowOffset;
                ref int row = ref Unsafe.Add(ref own, rowStart);
                ref int same = ref Unsafe.Add(ref other, rowStart);
                ref int sameShifted = ref Unsafe.Add(ref same, ((r + colour) & 1) == 0 ? -1 : 1);
                ref int aboveRow = ref Unsafe.Add(ref other, up * stride + RowOffset);
                ref int belowRow = ref Unsafe.Add(ref other, down * stride + RowOffset);
                for (int k = 0; k <= full; k += Lanes)
                {
                    nuint at = (nuint)k;
                    rng.Next(out Vector256<uint> proposalBits, out Vector256<uint> uniformBits);
                    Vector256<int> s = Vector256.LoadUnsafe(ref row, at);
                    Vector256<uint> m = (proposalBits >>> (32 - ProposalBits)) * rangeV;
                    Vector256<int> j = (m >>> ProposalBits).AsInt32();
                    Vector256<int> redraw = Vector256.LessThan(m & maskV, thresholdV).AsInt32();
                    Vector256<int> kNew = s + one + j;
                    kNew -= Vector256.GreaterThanOrEqual(kNew, qV) & qV;
                    Vector256<int> n0 = Vector256.LoadUnsafe(ref aboveRow, at), n1 = Vector256.LoadUnsafe(ref belowRow, at);
                    Vector256<int> n2 = Vector256.LoadUnsafe(ref same, at), n3 = Vector256.LoadUnsafe(ref sameShifted, at);
                    Vector256<float> w;
                    if (permute)
                    {
                        w = Lookup16(oldLow, oldHigh, s - n0) * Lookup16(oldLow, oldHigh, s - n1)
                            * (Lookup16(oldLow, oldHigh, s - n2) * Lookup16(oldLow, oldHigh, s - n3))
                            * (Lookup16(newLow, newHigh, kNew - n0) * Lookup16(newLow, newHigh, kNew - n1)
                            * (Lookup16(newLow, newHigh, kNew - n2) * Lookup16(newLow, newHigh, kNew - n3)));
                    }
                    else
                    {
                        // Index base j·2Q + k + Q; a neighbour's factor sits at base − k_n.
                        Vector256<int> index = j * twoQ + s + offsetQ;
                        w = Avx2.GatherVector256(table, index - n0, 4) * Avx2.GatherVector256(table, index - n1, 4)
                            * (Avx2.GatherVector256(table, index - n2, 4) * Avx2.GatherVector256(table, index - n3, 4));
                    }
                    Vector256<float> u = Vector256.ConvertToSingle((uniformBits >>> 8).AsInt32()) * scale;
                    Vector256<int> accept = Vector256.LessThan(u + step, w * below).AsInt32();
                    Vector256<int> reject = Vector256.GreaterThan(u, w * above).AsInt32();
                    Vector256<int> unsure = redraw | ~(accept | reject);
                    if (k == full)
                    {
                        accept &= tailMask;
                        unsure &= tailMask;
                    }
                    if (unsure != Vector256<int>.Zero)
                    {
                        DeferredChunks++;
                        accepted += UpdateChunk(ref row, ref aboveRow, ref belowRow, ref same, ref sameShifted, k, k == full ? tail : Lanes, proposalBits, uniformBits);
                        continue;
                    }
                    accepted += BitOperations.PopCount(accept.AsSingle().ExtractMostSignificantBits());
                    Vector256.ConditionalSelect(accept, kNew, s).StoreUnsafe(ref row, at);
                }
            }
        }
        bits = rng;
        RefreshGhosts(colour);
        return accepted;
    }

    /// <summary>table[index mod 16] from a 16-entry table held as two vectors: one AVX-512 permute, or two AVX2 permutes and a blend.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lookup16(Vector256<float> low, Vector256<float> high, Vector256<int> index)
    {
        if (Avx512F.VL.IsSupported) return Avx512F.VL.PermuteVar8x32x2(low, index, high);
        // Bit 3 of the index, moved to the sign bit, picks the half.
        return Avx.BlendVariable(Avx2.PermuteVar8x32(low, index), Avx2.PermuteVar8x32(high, index), (index << 28).AsSingle());
    }

    /// <summary>The same half sweep as <see cref="HalfSweepVector{TBits}"/>, every chunk by the scalar kernel.</summary>
    private long HalfSweepScalar<TBits>(int colour, ref TBits bits) where TBits : struct, IChunkBits
    {
        int size = _size, half = _half, stride = _stride;
        ref int own = ref MemoryMarshal.GetArrayDataReference(_sublattice[colour]);
        ref int other = ref MemoryMarshal.GetArrayDataReference(_sublattice[1 - colour]);
        TBits rng = bits;
        long accepted = 0;
        for (int r = 0; r < size; r++)
        {
            int up = r == 0 ? size - 1 : r - 1;
            int down = r == size - 1 ? 0 : r + 1;
            int rowStart = r * stride + RowOffset;
            ref int row = ref Unsafe.Add(ref own, rowStart);
            ref int same = ref Unsafe.Add(ref other, rowStart);
            ref int sameShifted = ref Unsafe.Add(ref same, ((r + colour) & 1) == 0 ? -1 : 1);
            ref int aboveRow = ref Unsafe.Add(ref other, up * stride + RowOffset);
            ref int belowRow = ref Unsafe.Add(ref other, down * stride + RowOffset);
            for (int k = 0; k < half; k += Lanes)
            {
                rng.Next(out Vector256<uint> proposalBits, out Vector256<uint> uniformBits);
                accepted += UpdateChunk(ref row, ref aboveRow, ref belowRow, ref same, ref sameShifted, k, Math.Min(Lanes, half - k), proposalBits, uniformBits);
            }
        }
        bits = rng;
        RefreshGhosts(colour);
        return accepted;
    }

    /// <summary>Scalar kernel: attempts at the <paramref name="count"/> sites from <paramref name="k"/> on, lane i using bits i of both vectors.</summary>
    private int UpdateChunk(ref int row, ref int aboveRow, ref int belowRow, ref int same, ref int sameShifted, int k, int count,
        Vector256<uint> proposalBits, Vector256<uint> uniformBits)
    {
        int q = _q;
        uint range = (uint)(q - 1);
        uint threshold = (1u << ProposalBits) % range;
        ref double f = ref MemoryMarshal.GetArrayDataReference(_factor);
        int accepted = 0;
        for (int lane = 0; lane < count; lane++)
        {
            int at = k + lane;
            uint m = (proposalBits.GetElement(lane) >> (32 - ProposalBits)) * range;
            while ((m & ProposalMask) < threshold) m = (_rng.NextUInt32() >> (32 - ProposalBits)) * range;
            int j = (int)(m >> ProposalBits);
            int s = Unsafe.Add(ref row, at);
            int index = j * 2 * q + s + q;
            double w = Unsafe.Add(ref f, index - Unsafe.Add(ref aboveRow, at)) * Unsafe.Add(ref f, index - Unsafe.Add(ref belowRow, at))
                * (Unsafe.Add(ref f, index - Unsafe.Add(ref same, at)) * Unsafe.Add(ref f, index - Unsafe.Add(ref sameShifted, at)));
            double u = uniformBits.GetElement(lane) * (1.0 / 4294967296.0);
            if (u < w)
            {
                int kNew = s + 1 + j;
                if (kNew >= q) kNew -= q;
                Unsafe.Add(ref row, at) = kNew;
                accepted++;
            }
        }
        return accepted;
    }

    // Refresh the ghosts that the other sublattice reads for its periodic wrap.
    private void RefreshGhosts(int colour)
    {
        int[] own = _sublattice[colour];
        for (int r = 0; r < _size; r++)
        {
            int start = r * _stride + RowOffset;
            own[start - 1] = own[start + _half - 1];
            own[start + _half] = own[start];
        }
    }

    private void Scatter()
    {
        for (int r = 0; r < _size; r++)
            for (int colour = 0; colour < 2; colour++)
            {
                Span<int> row = _sublattice[colour].AsSpan(r * _stride + RowOffset - 1, _half + 2);
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++) row[k + 1] = _states[r * _size + 2 * k + first];
                row[0] = row[_half];
                row[_half + 1] = row[1];
            }
    }

    private void Gather()
    {
        for (int r = 0; r < _size; r++)
            for (int colour = 0; colour < 2; colour++)
            {
                ReadOnlySpan<int> row = _sublattice[colour].AsSpan(r * _stride + RowOffset, _half);
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++) _states[r * _size + 2 * k + first] = (byte)row[k];
            }
        _statesStale = false;
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
        int j = (int)(m >> 32);
        int index = j * 2 * q + k + q;
        double u = (uint)bits * (1.0 / 4294967296.0);
        double w = Unsafe.Add(ref f, index - Unsafe.Add(ref s, up)) * Unsafe.Add(ref f, index - Unsafe.Add(ref s, down))
                 * Unsafe.Add(ref f, index - Unsafe.Add(ref s, left)) * Unsafe.Add(ref f, index - Unsafe.Add(ref s, right));
        if (u < w)
        {
            int kNew = k + 1 + j;
            if (kNew >= q) kNew -= q;
            Unsafe.Add(ref s, i) = (byte)kNew;
            return 1;
        }
        return 0;
    }

    /// <inheritdoc />
    public AngleMeasurement Measure()
    {
        ReadOnlySpan<byte> states = States;
        for (int i = 0; i < _sites; i++)
        {
            _scratchCos[i] = _cos[states[i]];
            _scratchSin[i] = _sin[states[i]];
        }
        return AngleConfiguration.Measure(_scratchCos, _scratchSin, _size, AngleConfiguration.VortexDensity(_states, _q, _size));
    }

    /// <inheritdoc />
    public void CopyAngles(Span<double> angles)
    {
        AngleConfiguration.ClockAngles(States, _q, angles[.._sites]);
    }

    /// <inheritdoc />
    public void CopySpins(Span<double> cos, Span<double> sin)
    {
        ReadOnlySpan<byte> states = States;
        SamplerGuards.CheckSpinBuffers(cos, sin, _sites);
        AngleConfiguration.ClockSpins(states, _cos, _sin, cos[.._sites], sin[.._sites]);
    }
}
