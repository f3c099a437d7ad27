using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Swendsen–Wang multi-cluster update: Fortuin–Kasteleyn bonds, union-find labelling, each cluster flipped with probability ½.</summary>
/// <remarks>
/// <para>
/// A sweep has three passes. (1) Bonds: each of the 2N bonds joins equal neighbours with probability
/// p = 1 − exp(−2/T); 32 sites at a time are compared and tested against a <see cref="ByteThreshold"/>, and
/// the outcomes are kept as bit masks per row (right bonds without the periodic one, which is drawn
/// separately per row, and down bonds). (2) Labels: within a row, sites joined by right bonds form runs,
/// numbered in raster order without branches; union-find then works on runs, not sites, which halves its
/// size near T_c. Down bonds join runs; one is skipped when its left neighbour bond is also present and both
/// rows are joined across that column pair, because the two runs are already united through it. Links
/// always point from the larger root to the smaller, so every parent index is at most its child's.
/// (3) Flips: that ordering lets one forward pass over the runs replace each parent by its root (the
/// parent's entry is already final) and draw one random bit per root; a second, streaming pass applies each
/// run's bit to its sites.
/// </para>
/// <para>The sweep allocates nothing.</para>
/// </remarks>
public sealed class SwendsenWang : ISpinSampler
{
    private const int Lanes = 32;

    private readonly int _size;
    private readonly int _sites;
    private readonly int _words; // 32-bit mask words per row
    private readonly ByteThreshold _bond;
    private readonly Vector256<sbyte> _tailRight, _tailDown;
    // Padded so that 32-byte loads starting anywhere in the last row stay inside the array.
    private readonly sbyte[] _spins;
    private readonly uint[] _right;
    private readonly uint[] _down;
    private readonly bool[] _wrapBond;
    private readonly int[] _siteRun;   // run of right bonds that each site belongs to, numbered in raster order
    private readonly int[] _runParent; // union-find forest over runs, parent ≤ child
    private readonly sbyte[] _runFlip;
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
        _spins = new sbyte[_sites + 2 * Lanes];
        SpinConfiguration.Randomize(_spins.AsSpan(0, _sites), new Xoshiro256(seed));
        _right = new uint[size * _words];
        _down = new uint[size * _words];
        _wrapBond = new bool[size];
        _siteRun = new int[_sites];
        _runParent = new int[_sites];
        _runFlip = new sbyte[_sites];
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

    internal void PlaceBonds()
    {
        int size = _size;
        ref sbyte spins = ref MemoryMarshal.GetArrayDataReference(_spins);
        ref uint right = ref MemoryMarshal.GetArrayDataReference(_right);
        ref uint down = ref MemoryMarshal.GetArrayDataReference(_down);
        Xoshiro256x4 rng = _laneRng;
        Vector256<sbyte> allLanes = Vector256<sbyte>.AllBitsSet;
        uint threshold = _bond.Threshold;
        for (int r = 0; r < size; r++)
        {
            ref sbyte row = ref Unsafe.Add(ref spins, r * size);
            ref sbyte below = ref Unsafe.Add(ref spins, (r == size - 1 ? 0 : r + 1) * size);
            int word = r * _words;
            for (int w = 0; w < _words; w++)
            {
                bool last = w == _words - 1;
                nuint at = (nuint)(w * Lanes);
                Vector256<sbyte> s = Vector256.LoadUnsafe(ref row, at);
                Vector256<sbyte> equalRight = Vector256.Equals(s, Vector256.LoadUnsafe(ref row, at + 1)) & (last ? _tailRight : allLanes);
                Vector256<sbyte> equalDown = Vector256.Equals(s, Vector256.LoadUnsafe(ref below, at)) & (last ? _tailDown : allLanes);
                Unsafe.Add(ref right, word + w) = Occupy(ref rng, equalRight);
                Unsafe.Add(ref down, word + w) = Occupy(ref rng, equalDown);
            }
            _wrapBond[r] = Unsafe.Add(ref row, size - 1) == row && _rng.NextUInt32() < threshold;
        }
        _laneRng = rng;
    }

    /// <summary>Bit mask of the lanes of <paramref name="candidates"/> whose bond test succeeds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint Occupy(ref Xoshiro256x4 rng, Vector256<sbyte> candidates)
    {
        Vector256<sbyte> u = rng.NextBytes();
        Vector256<sbyte> t = _bond.Level0;
        Vector256<sbyte> occupied = Vector256.LessThan(u, t);
        Vector256<sbyte> tied = Vector256.Equals(u, t) & candidates;
        if (tied != Vector256<sbyte>.Zero)
            occupied = ByteThreshold.ResolveTies(_rng, _bond, _bond, tied, occupied, tied);
        return (occupied & candidates).ExtractMostSignificantBits();
    }

    internal void BuildClusters()
    {
        int size = _size;
        ref int run = ref MemoryMarshal.GetArrayDataReference(_siteRun);
        ref int parent = ref MemoryMarshal.GetArrayDataReference(_runParent);
        ref uint right = ref MemoryMarshal.GetArrayDataReference(_right);
        ref uint down = ref MemoryMarshal.GetArrayDataReference(_down);
        int runs = LabelRuns(ref run, ref parent, ref right, 0, 0);
        for (int r = 0; r < size; r++)
        {
            int next = r == size - 1 ? 0 : r + 1;
            if (next != 0) runs = LabelRuns(ref run, ref parent, ref right, next, runs);
            ref int rowRun = ref Unsafe.Add(ref run, r * size);
            ref int nextRun = ref Unsafe.Add(ref run, next * size);
            ref uint rowRight = ref Unsafe.Add(ref right, r * _words);
            ref uint nextRight = ref Unsafe.Add(ref right, next * _words);
            ref uint rowDown = ref Unsafe.Add(ref down, r * _words);
            uint carry = 0;
            for (int w = 0; w < _words; w++)
            {
                uint vertical = Unsafe.Add(ref rowDown, w);
                // Column c's down bond is implied by column c − 1's when both rows join c − 1 to c.
                uint ladder = vertical & Unsafe.Add(ref rowRight, w) & Unsafe.Add(ref nextRight, w);
                vertical &= ~((ladder << 1) | carry);
                carry = ladder >> 31;
                int columnBase = w * Lanes;
                while (vertical != 0)
                {
                    int c = columnBase + BitOperations.TrailingZeroCount(vertical);
                    vertical &= vertical - 1;
                    Union(ref parent, Unsafe.Add(ref rowRun, c), Unsafe.Add(ref nextRun, c));
                }
            }
            if (_wrapBond[r]) Union(ref parent, Unsafe.Add(ref rowRun, size - 1), rowRun);
        }
        _runs = runs;
    }

    /// <summary>
    /// Numbers the runs of right bonds in row <paramref name="r"/> from <paramref name="firstRun"/> on, records
    /// each site's run and makes each run its own root; returns the next free run number.
    /// </summary>
    private int LabelRuns(ref int run, ref int parent, ref uint right, int r, int firstRun)
    {
        int size = _size;
        ref int rowRun = ref Unsafe.Add(ref run, r * size);
        ref uint bits = ref Unsafe.Add(ref right, r * _words);
        int id = firstRun - 1;
        uint continues = 0; // bit 0: the previous site's right bond joins it to the current site
        for (int w = 0; w < _words; w++)
        {
            uint word = Unsafe.Add(ref bits, w);
            int end = Math.Min(Lanes, size - w * Lanes);
            for (int b = 0; b < end; b++)
            {
                id += (int)(continues ^ 1);
                Unsafe.Add(ref rowRun, w * Lanes + b) = id;
                // Runs are fresh in this row, so (re)writing a continuing run's root entry is harmless.
                Unsafe.Add(ref parent, id) = id;
                continues = (word >> b) & 1;
            }
        }
        return id + 1;
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
    /// steps are taken without a data-dependent branch, which would mispredict about half the time.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(ref int parent, int x)
    {
        int p1 = Unsafe.Add(ref parent, x);
        int p2 = Unsafe.Add(ref parent, p1);
        if (Unsafe.Add(ref parent, p2) != p2) p2 = FindDeep(ref parent, p2);
        Unsafe.Add(ref parent, x) = p2;
        return p2;
    }

    /// <summary>Root of <paramref name="x"/>, halving the path on the way.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int FindDeep(ref int parent, int x)
    {
        while (true)
        {
            int p = Unsafe.Add(ref parent, x);
            if (p == x) return x;
            int g = Unsafe.Add(ref parent, p);
            if (g == p) return p;
            Unsafe.Add(ref parent, x) = g;
            x = g;
        }
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
    internal int ClusterLabel(int site) => Find(ref MemoryMarshal.GetArrayDataReference(_runParent), _siteRun[site]);

    /// <summary>Resolves every run to its root, flips each cluster with probability ½ and returns the number of clusters.</summary>
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
            // 0 or 0xFE: XOR with 0xFE negates a ±1 byte.
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
        ref int run = ref MemoryMarshal.GetArrayDataReference(_siteRun);
        ref sbyte spins = ref MemoryMarshal.GetArrayDataReference(_spins);
        for (int i = 0; i < _sites; i++) Unsafe.Add(ref spins, i) ^= Unsafe.Add(ref flip, Unsafe.Add(ref run, i));
        return clusters;
    }
}
