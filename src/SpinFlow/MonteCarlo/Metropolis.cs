using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Single-spin-flip Metropolis–Hastings in checkerboard order, vectorised over 32 spins at a time.</summary>
/// <remarks>
/// <para>
/// For even L ≥ 4 the two sublattices (r + c even / odd) are stored separately, each as L rows of L/2 bytes with
/// one ghost byte on either side for the periodic wrap. In that layout the four neighbours of the sites
/// k … k+31 of a row are contiguous slices of the other sublattice: the same k in the rows above and below,
/// and k and k ± 1 (the sign depends on the row's parity) in the same row. A half sweep updates one
/// sublattice, whose sites do not interact, so updating them all at once is exact; a sweep is the two
/// half sweeps, N attempts.
/// </para>
/// <para>
/// With ±1 bytes, s_i XOR s_j is 0 for a satisfied bond and −2 for a broken one, so the sum x over the four
/// neighbours is −2 × (number of broken bonds) and ΔE = 8 + 2x. Moves with ΔE ≤ 0 (x ≤ −4) are always
/// accepted; ΔE = 8 and ΔE = 4 are accepted with exp(−8/T) and exp(−4/T) from a <see cref="ByteThreshold"/>.
/// </para>
/// <para>
/// Odd L has no two-colouring of the torus, and at L = 2 (where every bond is doubled and ΔE ∈ {−8, 0, 8})
/// the checkerboard chain is trapped in the stripe states described below, which carry 4 of the 16 states'
/// weight at E = 0. Both cases fall back to N single-spin attempts at uniformly random sites, on the row-major
/// configuration with scalar random numbers: slower, but irreducible. (A fixed typewriter order is no
/// remedy: at L = 2 it cycles deterministically between two E = 0 states as well.)
/// </para>
/// <para>
/// Caveat of every checkerboard Metropolis: in a configuration where each site has exactly two broken bonds
/// (width-1 stripes, 2×2-block checkerboards) every move has ΔE = 0 and is accepted with certainty, so a half
/// sweep maps such states onto each other deterministically and the chain never leaves them. They have
/// E = 0, so their total weight is a handful of states times 1/Z: 36 states, 1.2·10⁻⁴ of the weight at L = 4
/// and T = 3.5 (7·10⁻⁶ at T_c), and e^(−O(N)) beyond. A chain started elsewhere never enters them.
/// </para>
/// <para>
/// With several threads, each half sweep splits the rows into one contiguous block per thread and thread t
/// draws from its own stream (<see cref="Xoshiro256.ForStream"/>(seed, t)), so a chain is reproducible for a
/// given seed and thread count (but differs between thread counts).
/// </para>
/// </remarks>
public sealed class Metropolis : ISpinSampler
{
    private const int Lanes = 32;
    // Row data start one vector into the row's stride; the ghost bytes sit just before and after.
    private const int RowOffset = Lanes;
    private const sbyte FlipBits = -2; // s XOR 0xFE turns +1 into −1 and back

    private readonly int _size;
    private readonly int _sites;
    private readonly int _threads;
    private readonly ByteThreshold _acceptBroken0; // no broken bond: ΔE = 8
    private readonly ByteThreshold _acceptBroken1; // one broken bond: ΔE = 4

    // Checkerboard (even L ≥ 4): sublattice storage.
    private readonly int _half;
    private readonly int _stride;
    private readonly sbyte[][] _sublattice = [];
    private readonly Vector256<sbyte> _tailMask;
    private readonly Xoshiro256x4[] _laneRng = [];
    private readonly Xoshiro256[] _threadRng;
    private readonly TieBuffer[] _ties = [];
    private readonly long[] _threadAccepted;
    private readonly Action<int>? _parallelBody;
    private int _colour;

    // Row-major view: the state itself for the random-site fallback, a lazily assembled copy otherwise.
    private readonly sbyte[] _rowMajor;
    private bool _rowMajorStale;

    private long _spinUpdates;
    private long _accepted;

    /// <summary>Single-threaded sampler on the L×L lattice at temperature T, started from a random configuration drawn from <paramref name="seed"/>.</summary>
    public Metropolis(int size, double temperature, ulong seed) : this(size, temperature, seed, 1) { }

    /// <summary>Sampler whose half sweeps run on <paramref name="threads"/> threads (rows split into blocks); ignored by the random-site fallback (odd L, L = 2).</summary>
    public Metropolis(int size, double temperature, ulong seed, int threads)
    {
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "thread count must be at least 1");
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        _acceptBroken0 = new ByteThreshold(Math.Exp(-8 / temperature));
        _acceptBroken1 = new ByteThreshold(Math.Exp(-4 / temperature));
        _rowMajor = new sbyte[_sites];
        SpinConfiguration.Randomize(_rowMajor, new Xoshiro256(seed));

        bool checkerboard = size % 2 == 0 && size >= 4;
        _threads = checkerboard ? Math.Min(threads, size) : 1;
        _threadRng = new Xoshiro256[_threads];
        _threadAccepted = new long[_threads];
        for (int t = 0; t < _threads; t++) _threadRng[t] = Xoshiro256.ForStream(seed, (ulong)t);
        if (!checkerboard) return;

        _half = size / 2;
        _stride = RoundUp(_half, Lanes) + 2 * Lanes;
        _sublattice = [new sbyte[size * _stride], new sbyte[size * _stride]];
        int tail = _half % Lanes == 0 ? Lanes : _half % Lanes;
        Span<sbyte> mask = stackalloc sbyte[Lanes];
        for (int lane = 0; lane < Lanes; lane++) mask[lane] = lane < tail ? (sbyte)-1 : (sbyte)0;
        _tailMask = Vector256.Create<sbyte>(mask);
        _laneRng = new Xoshiro256x4[_threads];
        _ties = new TieBuffer[_threads];
        for (int t = 0; t < _threads; t++)
        {
            _laneRng[t] = new Xoshiro256x4(_threadRng[t]);
            _ties[t] = new TieBuffer(256 + RoundUp(_half, Lanes) / Lanes);
        }
        if (_threads > 1) _parallelBody = t => UpdateBlock(_colour, t);
        Scatter(_rowMajor);
    }

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <summary>Threads used per half sweep (1 for the random-site fallback).</summary>
    public int Threads => _threads;

    /// <summary>True when the checkerboard (vectorised) update is used, i.e. L is even and at least 4.</summary>
    public bool IsCheckerboard => _sublattice.Length > 0;

    /// <inheritdoc />
    /// <remarks>With the checkerboard layout the row-major copy is assembled on access; the span is valid until the next <see cref="Sweep"/>.</remarks>
    public ReadOnlySpan<sbyte> Spins
    {
        get
        {
            if (_rowMajorStale) Gather();
            return _rowMajor;
        }
    }

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Fraction of attempted flips accepted so far (NaN before the first sweep).</summary>
    public double AcceptanceRate
    {
        get
        {
            long accepted = _accepted;
            foreach (long a in _threadAccepted) accepted += a;
            return _spinUpdates > 0 ? (double)accepted / _spinUpdates : double.NaN;
        }
    }

    /// <summary>Replaces the configuration by <paramref name="spins"/> (L×L, row-major, ±1).</summary>
    public void SetSpins(ReadOnlySpan<sbyte> spins)
    {
        SamplerGuards.CheckConfiguration(spins, _size);
        spins.CopyTo(_rowMajor);
        _rowMajorStale = false;
        if (IsCheckerboard) Scatter(_rowMajor);
    }

    /// <inheritdoc />
    public void Sweep()
    {
        if (!IsCheckerboard)
        {
            RandomSiteSweep();
        }
        else
        {
            for (int colour = 0; colour < 2; colour++)
            {
                if (_threads == 1)
                {
                    UpdateBlock(colour, 0);
                }
                else
                {
                    _colour = colour;
                    Parallel.For(0, _threads, _parallelBody!);
                }
            }
            _rowMajorStale = true;
        }
        _spinUpdates += _sites;
    }

    /// <summary>Updates the sites of sublattice <paramref name="colour"/> in thread <paramref name="thread"/>'s block of rows.</summary>
    /// <remarks>
    /// Lanes whose first random byte ties with the threshold byte (1 in 256) are left unflipped and recorded;
    /// they are settled after the rows, or whenever the record fills up. Sites of one sublattice do not
    /// interact, so the order is immaterial, and keeping every call out of the row loop lets the JIT keep the
    /// generator state and constants in registers throughout.
    /// </remarks>
    private void UpdateBlock(int colour, int thread)
    {
        int size = _size, half = _half, stride = _stride;
        int rowBegin = (int)((long)size * thread / _threads);
        int rowEnd = (int)((long)size * (thread + 1) / _threads);
        ref sbyte own = ref MemoryMarshal.GetArrayDataReference(_sublattice[colour]);
        ref sbyte other = ref MemoryMarshal.GetArrayDataReference(_sublattice[1 - colour]);
        Xoshiro256x4 rng = _laneRng[thread];
        TieBuffer ties = _ties[thread];
        ref int tieAt = ref MemoryMarshal.GetArrayDataReference(ties.At);
        ref Vector256<sbyte> tieLanes = ref MemoryMarshal.GetArrayDataReference(ties.Lanes);
        ref Vector256<sbyte> tieClass = ref MemoryMarshal.GetArrayDataReference(ties.Class);
        int tieCount = 0;
        int tieLimit = ties.At.Length - (half + Lanes - 1) / Lanes;
        Vector256<sbyte> t0Broken0 = _acceptBroken0.Level0;
        Vector256<sbyte> t0Broken1 = _acceptBroken1.Level0;
        Vector256<sbyte> alwaysBelow = Vector256.Create((sbyte)-3);
        Vector256<sbyte> flip = Vector256.Create(FlipBits);
        Vector256<sbyte> tailMask = _tailMask;
        int full = half - (half % Lanes == 0 ? Lanes : half % Lanes);
        long accepted = 0;
        for (int r = rowBegin; r < rowEnd; r++)
        {
            int up = r == 0 ? size - 1 : r - 1;
            int down = r == size - 1 ? 0 : r + 1;
            int rowStart = r * stride + RowOffset;
            ref sbyte row = ref Unsafe.Add(ref own, rowStart);
            ref sbyte same = ref Unsafe.Add(ref other, rowStart);
            // Site k of this row sits at column 2k + ((r + colour) & 1); its horizontal neighbours are the
            // other sublattice's sites k − 1 and k in one parity, k and k + 1 in the other.
            ref sbyte sameShifted = ref Unsafe.Add(ref same, ((r + colour) & 1) == 0 ? -1 : 1);
            ref sbyte above = ref Unsafe.Add(ref other, up * stride + RowOffset);
            ref sbyte below = ref Unsafe.Add(ref other, down * stride + RowOffset);
            int rowAccepted = 0;
            for (int k = 0; k <= full; k += Lanes)
            {
                nuint at = (nuint)k;
                Vector256<sbyte> s = Vector256.LoadUnsafe(ref row, at);
                Vector256<sbyte> x = (s ^ Vector256.LoadUnsafe(ref above, at)) + (s ^ Vector256.LoadUnsafe(ref below, at))
                    + (s ^ Vector256.LoadUnsafe(ref same, at)) + (s ^ Vector256.LoadUnsafe(ref sameShifted, at));
                Vector256<sbyte> always = Vector256.LessThan(x, alwaysBelow);
                Vector256<sbyte> noneBroken = Vector256.Equals(x, Vector256<sbyte>.Zero);
                Vector256<sbyte> u = rng.NextBytes();
                Vector256<sbyte> t = Vector256.ConditionalSelect(noneBroken, t0Broken0, t0Broken1);
                Vector256<sbyte> accept = always | Vector256.LessThan(u, t);
                Vector256<sbyte> tied = Vector256.AndNot(Vector256.Equals(u, t), always);
                if (k == full)
                {
                    // The last chunk may run past the row: its extra lanes must neither flip nor count.
                    accept &= tailMask;
                    tied &= tailMask;
                }
                if (tied != Vector256<sbyte>.Zero)
                {
                    Unsafe.Add(ref tieAt, tieCount) = rowStart + k;
                    Unsafe.Add(ref tieLanes, tieCount) = tied;
                    Unsafe.Add(ref tieClass, tieCount) = noneBroken;
                    tieCount++;
                }
                rowAccepted += BitOperations.PopCount(accept.ExtractMostSignificantBits());
                (s ^ (accept & flip)).StoreUnsafe(ref row, at);
            }
            accepted += rowAccepted;
            if (tieCount > tieLimit)
            {
                accepted += ResolveTies(ref own, ties, tieCount, thread);
                tieCount = 0;
            }
        }
        accepted += ResolveTies(ref own, ties, tieCount, thread);
        _laneRng[thread] = rng;
        _threadAccepted[thread] += accepted;
        // Refresh the ghosts that the other sublattice reads for its periodic wrap.
        for (int r = rowBegin; r < rowEnd; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref own, r * stride + RowOffset);
            Unsafe.Add(ref row, -1) = Unsafe.Add(ref row, half - 1);
            Unsafe.Add(ref row, half) = row;
        }
    }

    /// <summary>Settles the recorded tied lanes and returns how many of them flipped.</summary>
    private int ResolveTies(ref sbyte own, TieBuffer ties, int count, int thread)
    {
        Xoshiro256 rng = _threadRng[thread];
        Vector256<sbyte> flip = Vector256.Create(FlipBits);
        int accepted = 0;
        for (int j = 0; j < count; j++)
        {
            ref sbyte at = ref Unsafe.Add(ref own, ties.At[j]);
            Vector256<sbyte> accept = ByteThreshold.ResolveTies(rng, _acceptBroken0, _acceptBroken1, ties.Class[j], Vector256<sbyte>.Zero, ties.Lanes[j]);
            accepted += BitOperations.PopCount(accept.ExtractMostSignificantBits());
            (Vector256.LoadUnsafe(ref at) ^ (accept & flip)).StoreUnsafe(ref at);
        }
        return accepted;
    }

    /// <summary>Per-thread record of the chunks that need tie resolution.</summary>
    private sealed class TieBuffer(int chunks)
    {
        public readonly int[] At = new int[chunks];
        public readonly Vector256<sbyte>[] Lanes = new Vector256<sbyte>[chunks];
        public readonly Vector256<sbyte>[] Class = new Vector256<sbyte>[chunks];
    }

    /// <summary>N attempts at uniformly random sites (odd L and L = 2).</summary>
    private void RandomSiteSweep()
    {
        int size = _size;
        sbyte[] s = _rowMajor;
        Xoshiro256 rng = _threadRng[0];
        uint accept8 = _acceptBroken0.Threshold, accept4 = _acceptBroken1.Threshold;
        long accepted = 0;
        for (int attempt = 0; attempt < _sites; attempt++)
        {
            int i = rng.NextInt(_sites);
            int r = i / size, c = i - r * size;
            int row = r * size;
            int up = (r == 0 ? size - 1 : r - 1) * size;
            int down = (r == size - 1 ? 0 : r + 1) * size;
            int left = c == 0 ? size - 1 : c - 1;
            int right = c == size - 1 ? 0 : c + 1;
            // s_i Σ s_j ∈ {−4, −2, 0, 2, 4}; ΔE = 2 s_i Σ s_j.
            int aligned = s[i] * (s[up + c] + s[down + c] + s[row + left] + s[row + right]);
            bool flip = aligned <= 0 || rng.NextUInt32() < (aligned == 4 ? accept8 : accept4);
            if (flip)
            {
                s[i] = (sbyte)-s[i];
                accepted++;
            }
        }
        _accepted += accepted;
    }

    private void Scatter(ReadOnlySpan<sbyte> spins)
    {
        for (int r = 0; r < _size; r++)
        {
            for (int colour = 0; colour < 2; colour++)
            {
                Span<sbyte> row = _sublattice[colour].AsSpan(r * _stride + RowOffset - 1, _half + 2);
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++) row[k + 1] = spins[r * _size + 2 * k + first];
                row[0] = row[_half];
                row[_half + 1] = row[1];
            }
        }
    }

    private void Gather()
    {
        for (int r = 0; r < _size; r++)
        {
            for (int colour = 0; colour < 2; colour++)
            {
                ReadOnlySpan<sbyte> row = _sublattice[colour].AsSpan(r * _stride + RowOffset, _half);
                int first = (r + colour) & 1;
                for (int k = 0; k < _half; k++) _rowMajor[r * _size + 2 * k + first] = row[k];
            }
        }
        _rowMajorStale = false;
    }

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;
}
