using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Swendsen–Wang multi-cluster update: Fortuin–Kasteleyn bonds, union-find labelling, each cluster flipped with probability ½.</summary>
/// <remarks>
/// <para>
/// Everything is organised around runs: maximal horizontal segments of a row joined by right bonds, numbered
/// in raster order. A sweep has four passes.
/// </para>
/// <para>
/// (1) Bonds: each of the 2N bonds joins equal neighbours with probability p = 1 − exp(−2/T). 32 sites at a
/// time are compared and tested against a <see cref="ByteThreshold"/>; the outcomes are kept as one bit per
/// site and direction (the periodic right bond of column L − 1 is drawn separately, so runs never wrap).
/// </para>
/// <para>
/// (2) Runs: a site starts a run unless its left neighbour's right bond is occupied, so the run starts of a row
/// are one shift and complement of its right-bond bits, and a site's run number is a population count.
/// Nothing is stored per site.
/// </para>
/// <para>
/// (3) Union-find over runs (about N/2 of them near T_c): each down bond unites the runs above and below. A
/// down bond is skipped when its left neighbour's is also occupied and both rows are joined across that
/// column pair, since the two runs are already united through it. Links point from the larger root to the
/// smaller, so every parent index is at most its child's, and finds are written without data-dependent
/// branches for the first two steps, which is where almost all of them end.
/// </para>
/// <para>
/// (4) Flips: thanks to that ordering one forward pass over the runs replaces each parent by its root (whose
/// entry is already final) and draws one random bit per root. The flip bits of a row's runs are then spread
/// over its sites 32 at a time with a bit deposit (PDEP) and a prefix XOR, and applied with one vector XOR.
/// </para>
/// <para>The sweep allocates nothing.</para>
/// </remarks>
public sealed class SwendsenWang : ISpinSampler
{
    private const int Lanes = 32;

    private readonly int _size;
    private readonly int _sites;
    private readonly int _words;       // 32-site mask words per row
    private readonly uint _lastWordMask;
    private readonly ByteThreshold _bond;
    private readonly Vector256<sbyte> _tailRight, _tailDown;
    // Padded so that 32-byte loads starting anywhere in the last row stay inside the array.
    private readonly sbyte[] _spins;
    private readonly uint[] _right;    // bit c: bond (r, c)–(r, c + 1) occupied, c < L − 1
    private readonly uint[] _down;     // bit c: bond (r, c)–(r + 1, c) occupied
    private readonly bool[] _wrapBond; // bond (r, L − 1)–(r, 0) occupied
    private readonly uint[] _runStart; // bit c: site (r, c) starts a run
    private readonly int[] _runBase;   // number of the first run starting at or after the word's first site
    private readonly int[] _runParent; // union-find forest over runs, parent ≤ child
    private readonly sbyte[] _runFlip; // 0 or −2 (XOR mask of a flip), per run
    private readonly uint[] _runFlipBits; // the same as bits, shifted by one so run −1 has a slot
    private readonly int[] _tieWord;   // bond words whose first random byte tied with the threshold's
    private readonly uint[] _tieLanes;
    private int _runs;
    private Xoshiro256x4 _laneRng;
    private readonly Xoshiro256 _rng;
    private long _spinUpdates;

    /// <summary>Sampler on the L×L lattice at temperature T, started from a random configuration drawn from <paramref name="seed"/>.</summary>
    public SwendsenWang(int size, double temperature, ulong seed)
    {
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        BondProbability = -double.ExpM1(-2 / temperature);
        _bond = new ByteThreshold(BondProbability);
        _words = (size + Lanes - 1) / Lanes;
        _lastWordMask = size % Lanes == 0 ? uint.MaxValue : (1u << (size % Lanes)) - 1;
        _spins = new sbyte[_sites + 2 * Lanes];
        SpinConfiguration.Randomize(_spins.AsSpan(0, _sites), new Xoshiro256(seed));
        _right = new uint[size * _words];
        _down = new uint[size * _words];
        _wrapBond = new bool[size];
        _runStart = new uint[size * _words];
        _runBase = new int[size * _words];
        _runParent = new int[_sites];
        _runFlip = new sbyte[_sites + Lanes];
        _runFlipBits = new uint[(_sites + 1) / Lanes + 4];
        _tieWord = new int[2 * _words];
        _tieLanes = new uint[2 * _words];
        _rng = Xoshiro256.ForStream(seed, 0);
        _laneRng = new Xoshiro256x4(_rng);

        // Lanes of the last chunk of a row that hold bonds: the right bond of column L − 1 is the periodic one.
        int last = (_words - 1) * Lanes;
        Span<sbyte> right = stackalloc sbyte[Lanes], down = stackalloc sbyte[Lanes];
        for (int lane = 0; lane < Lanes; lane++)
        {
            right[lane] = last + lane < size - 1 ? (sbyte)-1 : (sbyte)0;
            down[lane] = last + lane < size ? (sbyte)-1 : (sbyte)0;
        }
        _tailRight = Vector256.Create<sbyte>(right);
        _tailDown = Vector256.Create<sbyte>(down);
    }

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <summary>Probability 1 − exp(−2/T) that a bond between equal neighbours is occupied.</summary>
    public double BondProbability { get; }

    /// <inheritdoc />
    public ReadOnlySpan<sbyte> Spins => _spins.AsSpan(0, _sites);

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Number of clusters (isolated sites included) in the last sweep's decomposition; 0 before the first sweep.</summary>
    public int ClusterCount { get; private set; }

    /// <summary>Replaces the configuration by <paramref name="spins"/> (L×L, row-major, ±1).</summary>
    public void SetSpins(ReadOnlySpan<sbyte> spins)
    {
        SamplerGuards.CheckConfiguration(spins, _size);
        spins.CopyTo(_spins);
    }

    /// <inheritdoc />
    public void Sweep()
    {
        PlaceBonds();
        BuildClusters();
        ClusterCount = FlipClusters();
        _spinUpdates += _sites;
    }

    /// <summary>Pass 1: occupies bonds between equal neighbours with probability p.</summary>
    internal void PlaceBonds()
    {
        int size = _size;
        ref sbyte spins = ref MemoryMarshal.GetArrayDataReference(_spins);
        ref uint right = ref MemoryMarshal.GetArrayDataReference(_right);
        ref uint down = ref MemoryMarshal.GetArrayDataReference(_down);
        ref int tieWord = ref MemoryMarshal.GetArrayDataReference(_tieWord);
        ref uint tieLanes = ref MemoryMarshal.GetArrayDataReference(_tieLanes);
        Xoshiro256x4 rng = _laneRng;
        Vector256<sbyte> t0 = _bond.Level0;
        Vector256<sbyte> allLanes = Vector256<sbyte>.AllBitsSet;
        uint threshold = _bond.Threshold;
        for (int r = 0; r < size; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref spins, r * size);
            ref sbyte below = ref Unsafe.Add(ref spins, (r == size - 1 ? 0 : r + 1) * size);
            int rowWord = r * _words;
            int ties = 0;
            for (int w = 0; w < _words; w++)
            {
                bool last = w == _words - 1;
                nuint at = (nuint)(w * Lanes);
                Vector256<sbyte> s = Vector256.LoadUnsafe(ref row, at);
                Vector256<sbyte> equalRight = Vector256.Equals(s, Vector256.LoadUnsafe(ref row, at + 1)) & (last ? _tailRight : allLanes);
                Vector256<sbyte> equalDown = Vector256.Equals(s, Vector256.LoadUnsafe(ref below, at)) & (last ? _tailDown : allLanes);
                Vector256<sbyte> u = rng.NextBytes();
                Vector256<sbyte> v = rng.NextBytes();
                Unsafe.Add(ref right, rowWord + w) = (equalRight & Vector256.LessThan(u, t0)).ExtractMostSignificantBits();
                Unsafe.Add(ref down, rowWord + w) = (equalDown & Vector256.LessThan(v, t0)).ExtractMostSignificantBits();
                // Lanes whose first byte ties are finished after the row, which keeps calls out of this loop.
                uint tiedRight = (equalRight & Vector256.Equals(u, t0)).ExtractMostSignificantBits();
                uint tiedDown = (equalDown & Vector256.Equals(v, t0)).ExtractMostSignificantBits();
                if ((tiedRight | tiedDown) != 0)
                {
                    Unsafe.Add(ref tieWord, ties) = w;
                    Unsafe.Add(ref tieLanes, ties++) = tiedRight;
                    Unsafe.Add(ref tieWord, ties) = w + _words;
                    Unsafe.Add(ref tieLanes, ties++) = tiedDown;
                }
            }
            for (int k = 0; k < ties; k++)
            {
                int w = Unsafe.Add(ref tieWord, k);
                ref uint word = ref w < _words ? ref Unsafe.Add(ref right, rowWord + w) : ref Unsafe.Add(ref down, rowWord + w - _words);
                for (uint lanes = Unsafe.Add(ref tieLanes, k); lanes != 0; lanes &= lanes - 1)
                {
                    // The first byte equalled the threshold's; the remaining 24 bits decide.
                    if ((_rng.NextUInt32() >> 8) < (threshold & 0xFF_FFFF)) word |= 1u << BitOperations.TrailingZeroCount(lanes);
                }
            }
            _wrapBond[r] = Unsafe.Add(ref row, size - 1) == row && _rng.NextUInt32() < threshold;
        }
        _laneRng = rng;
    }

    /// <summary>Passes 2 and 3: numbers the runs and unites them along occupied down bonds and periodic right bonds.</summary>
    internal void BuildClusters()
    {
        int size = _size, words = _words;
        ref int parent = ref MemoryMarshal.GetArrayDataReference(_runParent);
        ref uint right = ref MemoryMarshal.GetArrayDataReference(_right);
        ref uint down = ref MemoryMarshal.GetArrayDataReference(_down);
        ref uint start = ref MemoryMarshal.GetArrayDataReference(_runStart);
        ref int runBase = ref MemoryMarshal.GetArrayDataReference(_runBase);
        int runs = NumberRuns(ref parent, ref right, ref start, ref runBase, 0, 0);
        for (int r = 0; r < size; r++)
        {
            int next = r == size - 1 ? 0 : r + 1;
            if (next != 0) runs = NumberRuns(ref parent, ref right, ref start, ref runBase, next, runs);
            int rowWord = r * words, nextWord = next * words;
            uint carry = 0;
            for (int w = 0; w < words; w++)
            {
                uint vertical = Unsafe.Add(ref down, rowWord + w);
                // Column c's down bond is implied by column c − 1's when both rows join c − 1 to c.
                uint ladder = vertical & Unsafe.Add(ref right, rowWord + w) & Unsafe.Add(ref right, nextWord + w);
                vertical &= ~((ladder << 1) | carry);
                carry = ladder >> 31;
                if (vertical == 0) continue;
                uint rowStarts = Unsafe.Add(ref start, rowWord + w), nextStarts = Unsafe.Add(ref start, nextWord + w);
                // Run of site b of the word: (first run at or after the word) − 1 + (run starts at or before b).
                int rowRun = Unsafe.Add(ref runBase, rowWord + w) - 1, nextRun = Unsafe.Add(ref runBase, nextWord + w) - 1;
                do
                {
                    int b = BitOperations.TrailingZeroCount(vertical);
                    vertical &= vertical - 1;
                    uint upTo = (uint)((2UL << b) - 1);
                    Union(ref parent, rowRun + BitOperations.PopCount(rowStarts & upTo), nextRun + BitOperations.PopCount(nextStarts & upTo));
                } while (vertical != 0);
            }
            if (_wrapBond[r]) Union(ref parent, RunOf(r, size - 1), RunOf(r, 0));
        }
        _runs = runs;
    }

    /// <summary>
    /// Finds the run starts of row <paramref name="r"/>, numbers its runs from <paramref name="firstRun"/> on and
    /// makes each its own root; returns the next free run number.
    /// </summary>
    private int NumberRuns(ref int parent, ref uint right, ref uint start, ref int runBase, int r, int firstRun)
    {
        int rowWord = r * _words;
        int id = firstRun;
        uint carry = 0; // right bond of the previous word's last site; none into site 0 (the periodic one is apart)
        for (int w = 0; w < _words; w++)
        {
            uint bonds = Unsafe.Add(ref right, rowWord + w);
            uint continues = (bonds << 1) | carry;
            carry = bonds >> 31;
            uint starts = ~continues & (w == _words - 1 ? _lastWordMask : uint.MaxValue);
            Unsafe.Add(ref start, rowWord + w) = starts;
            Unsafe.Add(ref runBase, rowWord + w) = id;
            id += BitOperations.PopCount(starts);
        }
        for (int k = firstRun; k < id; k++) Unsafe.Add(ref parent, k) = k;
        return id;
    }

    private int RunOf(int r, int c)
    {
        int word = r * _words + c / Lanes;
        uint upTo = (uint)((2UL << (c % Lanes)) - 1);
        return _runBase[word] - 1 + BitOperations.PopCount(_runStart[word] & upTo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Union(ref int parent, int i, int j)
    {
        int a = Find(ref parent, i);
        int b = Find(ref parent, j);
        // Linking the larger root under the smaller keeps parent ≤ child, which the flip pass relies on.
        // Min and max by arithmetic: which root is smaller is a coin toss, so a branch would mispredict.
        int d = a - b;
        int aSmaller = d >> 31;
        Unsafe.Add(ref parent, a - (d & aSmaller)) = b + (d & aSmaller);
    }

    /// <summary>Root of <paramref name="x"/>; compresses x's own entry.</summary>
    /// <remarks>
    /// Near T_c almost every find ends within two steps (run roots, or runs linked once), so the first two
    /// steps are taken without a data-dependent branch, which would mispredict about half the time. The rare
    /// longer paths are halved in a loop kept inline: a call here would make the JIT spill the caller's loop
    /// state around it on every union.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(ref int parent, int x)
    {
        int p1 = Unsafe.Add(ref parent, x);
        int root = Unsafe.Add(ref parent, p1);
        int above = Unsafe.Add(ref parent, root);
        while (above != root)
        {
            int grand = Unsafe.Add(ref parent, above);
            Unsafe.Add(ref parent, root) = grand;
            root = grand;
            above = Unsafe.Add(ref parent, grand);
        }
        Unsafe.Add(ref parent, x) = root;
        return root;
    }

    /// <summary>Test hook: whether the bond from <paramref name="site"/> to its right neighbour (periodic one included) was occupied by the last <see cref="PlaceBonds"/>.</summary>
    internal bool HasRightBond(int site)
    {
        int r = site / _size, c = site % _size;
        return c == _size - 1 ? _wrapBond[r] : ((_right[r * _words + c / Lanes] >> (c % Lanes)) & 1) != 0;
    }

    /// <summary>Test hook: whether the bond from <paramref name="site"/> to the site below was occupied by the last <see cref="PlaceBonds"/>.</summary>
    internal bool HasDownBond(int site)
    {
        int r = site / _size, c = site % _size;
        return ((_down[r * _words + c / Lanes] >> (c % Lanes)) & 1) != 0;
    }

    /// <summary>Test hook: cluster label of <paramref name="site"/> after <see cref="BuildClusters"/> (equal labels ⇔ same cluster).</summary>
    internal int ClusterLabel(int site) => Find(ref MemoryMarshal.GetArrayDataReference(_runParent), RunOf(site / _size, site % _size));

    /// <summary>Pass 4: resolves every run to its root, flips each cluster with probability ½ and returns the number of clusters.</summary>
    internal int FlipClusters()
    {
        int runs = _runs;
        ref int parent = ref MemoryMarshal.GetArrayDataReference(_runParent);
        ref sbyte flip = ref MemoryMarshal.GetArrayDataReference(_runFlip);
        Xoshiro256 rng = _rng;
        ulong bits = rng.NextUInt64();
        int bitsLeft = 64;
        int clusters = 0;
        for (int k = 0; k < runs; k++)
        {
            // parent[k] ≤ k, so parent[parent[k]] has already been resolved to a root (or is k itself).
            int root = Unsafe.Add(ref parent, Unsafe.Add(ref parent, k));
            Unsafe.Add(ref parent, k) = root;
            int isRoot = root == k ? 1 : 0;
            int rootMask = -isRoot;
            int fresh = -2 * (int)(bits & 1);
            Unsafe.Add(ref flip, k) = (sbyte)((fresh & rootMask) | (Unsafe.Add(ref flip, root) & ~rootMask));
            bits >>= isRoot;
            bitsLeft -= isRoot;
            clusters += isRoot;
            if (bitsLeft == 0)
            {
                bits = rng.NextUInt64();
                bitsLeft = 64;
            }
        }
        PackFlipBits(runs);
        ApplyFlips();
        return clusters;
    }

    /// <summary>Run k's flip as bit k + 1 of <see cref="_runFlipBits"/> (bit 0 stands for the nonexistent run −1).</summary>
    private void PackFlipBits(int runs)
    {
        ref sbyte flip = ref MemoryMarshal.GetArrayDataReference(_runFlip);
        ref uint packed = ref MemoryMarshal.GetArrayDataReference(_runFlipBits);
        uint carry = 0;
        int words = (runs + Lanes - 1) / Lanes;
        for (int w = 0; w < words; w++)
        {
            // Bytes past the last run are stale but land only in bits no site reads.
            uint bits = Vector256.LoadUnsafe(ref flip, (nuint)(w * Lanes)).ExtractMostSignificantBits();
            Unsafe.Add(ref packed, w) = (bits << 1) | carry;
            carry = bits >> 31;
        }
        Unsafe.Add(ref packed, words) = carry;
    }

    /// <summary>XORs every site with its run's flip, 32 sites at a time.</summary>
    private void ApplyFlips()
    {
        int size = _size, words = _words;
        ref sbyte spins = ref MemoryMarshal.GetArrayDataReference(_spins);
        ref uint start = ref MemoryMarshal.GetArrayDataReference(_runStart);
        ref int runBase = ref MemoryMarshal.GetArrayDataReference(_runBase);
        ref byte flipBytes = ref Unsafe.As<uint, byte>(ref MemoryMarshal.GetArrayDataReference(_runFlipBits));
        Vector256<byte> flipBits = Vector256.Create((byte)0xFE);
        Vector256<byte> lastLanes = SpreadBits(_lastWordMask);
        for (int r = 0; r < size; r++)
        {
            for (int w = 0; w < words; w++)
            {
                int word = r * words + w;
                uint starts = Unsafe.Add(ref start, word);
                // Bit j of `runs` is the flip of run (base − 1 + j): the run continuing into the word for j = 0,
                // the runs starting in it for j ≥ 1. That run's bit sits at index `base` of the packed array.
                int first = Unsafe.Add(ref runBase, word);
                ulong runs = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref flipBytes, first >> 3)) >> (first & 7);
                // A site's flip differs from its left neighbour's only where a run starts whose flip differs
                // from the previous run's: deposit those changes at the run starts, then prefix-XOR the word.
                uint change = Deposit((uint)(runs ^ (runs >> 1)), starts);
                change ^= change << 1;
                change ^= change << 2;
                change ^= change << 4;
                change ^= change << 8;
                change ^= change << 16;
                Vector256<byte> flipped = SpreadBits(change ^ (uint)-(int)(runs & 1));
                // A partial last word must leave the next row's sites (or the padding) alone.
                if (w == words - 1) flipped &= lastLanes;
                ref sbyte at = ref Unsafe.Add(ref spins, r * size + w * Lanes);
                (Vector256.LoadUnsafe(ref at).AsByte() ^ (flipped & flipBits)).AsSByte().StoreUnsafe(ref at);
            }
        }
    }

    /// <summary>Byte j is 0xFF where bit j of <paramref name="mask"/> is set, 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<byte> SpreadBits(uint mask)
    {
        // Every byte picks the mask byte holding its bit, then tests its bit. The mask is broadcast to all
        // dwords, so the in-lane AVX2 byte shuffle and the general shuffle agree on these indices.
        Vector256<byte> byteOfBit = Vector256.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
            2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
        Vector256<byte> bitOfByte = Vector256.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128,
            1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
        Vector256<byte> broadcast = Vector256.Create(mask).AsByte();
        Vector256<byte> spread = Avx2.IsSupported ? Avx2.Shuffle(broadcast, byteOfBit) : Vector256.Shuffle(broadcast, byteOfBit);
        return Vector256.Equals(spread & bitOfByte, bitOfByte);
    }

    /// <summary>Bit deposit: the low bits of <paramref name="source"/> placed, in order, at the set bits of <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Deposit(uint source, uint mask)
    {
        if (Bmi2.IsSupported) return Bmi2.ParallelBitDeposit(source, mask);
        uint result = 0;
        for (; mask != 0; mask &= mask - 1, source >>= 1)
            result |= (source & 1) * (mask & (uint)-(int)mask);
        return result;
    }
}
