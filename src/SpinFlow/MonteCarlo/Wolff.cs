using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.MonteCarlo;

/// <summary>Wolff single-cluster update: grow one Fortuin–Kasteleyn cluster from a random site and flip it.</summary>
/// <remarks>
/// <para>
/// The cluster is grown breadth-first from an explicit queue. A site is flipped when it joins, so "still equal to the seed
/// spin's old value" doubles as "not yet in the cluster", and every bond is tested at most once, with
/// probability p = 1 − exp(−2/T). At L = 2 the doubled bonds of the torus are two independent chances, as in
/// the Hamiltonian.
/// </para>
/// <para>
/// A sweep flips about N spins, so that sweeps of the three samplers cost comparable work. Ending each sweep
/// as soon as N spins have flipped would bias every measurement taken after a sweep: that stopping time
/// depends on the sizes just drawn, and large clusters, which come from ordered configurations, end sweeps
/// more often (at L = 4, T_c the energy comes out 0.2 too low). So the first <see cref="CalibrationSweeps"/>
/// sweeps use that rule, and afterwards every sweep builds a fixed number of clusters,
/// <see cref="ClustersPerSweep"/> = ⌈N / mean cluster size⌉ over the second half of the calibration. The chain
/// is then homogeneous and exact; discard the calibration sweeps as burn-in (or set
/// <see cref="ClustersPerSweep"/> yourself, which skips the calibration).
/// </para>
/// <para>
/// The size of the cluster grown from a uniformly random site has mean ⟨|C|⟩ = N⟨m²⟩ in equilibrium (the
/// improved estimator): <see cref="MeanClusterSize"/> gives the running mean, and
/// <see cref="LastSweepClusterSizes"/> the individual sizes for an error bar.
/// </para>
/// </remarks>
public sealed class Wolff : ISpinSampler
{
    private readonly int _size;
    private readonly int _sites;
    private readonly uint _bondThreshold;
    private readonly sbyte[] _spins;
    // Sites to visit, as (row << 16) | column (L < 2^16). A FIFO rather than a stack: the site taken next was
    // queued long before, so its neighbours' loads can start early, where a stack hands back the site just
    // pushed and chains every step to the previous one. Each site enters at most once per cluster, plus one
    // scratch slot that the branch-free push writes past the tail.
    private readonly int[] _queue;
    private readonly List<int> _lastSizes = [];
    private readonly Xoshiro256 _rng;
    // Bond tests draw from a buffer of uniforms that the vector generator fills in bulk.
    private const int UniformBuffer = 256;
    private readonly uint[] _uniforms = new uint[UniformBuffer];
    private int _nextUniform = UniformBuffer;
    private Xoshiro256x4 _laneRng;
    private long _spinUpdates;
    private int _clustersPerSweep;
    private int _calibrationSweeps;
    private long _calibrationClusters;
    private long _calibrationSpins;
    private long _clusters;
    private long _clusterSpins;

    /// <summary>Sampler on the L×L lattice at temperature T, started from a random configuration drawn from <paramref name="seed"/>.</summary>
    public Wolff(int size, double temperature, ulong seed)
    {
        SamplerGuards.CheckSize(size);
        SamplerGuards.CheckTemperature(temperature);
        _size = size;
        _sites = size * size;
        Temperature = temperature;
        BondProbability = -double.ExpM1(-2 / temperature);
        _bondThreshold = ByteThreshold.ToThreshold(BondProbability);
        _spins = new sbyte[_sites];
        SpinConfiguration.Randomize(_spins, new Xoshiro256(seed));
        _queue = new int[_sites + 1];
        _rng = Xoshiro256.ForStream(seed, 0);
        _laneRng = new Xoshiro256x4(_rng);
    }

    /// <inheritdoc />
    public int Size => _size;

    /// <inheritdoc />
    public double Temperature { get; }

    /// <summary>Probability 1 − exp(−2/T) that a bond between equal neighbours joins the cluster.</summary>
    public double BondProbability { get; }

    /// <inheritdoc />
    public ReadOnlySpan<sbyte> Spins => _spins;

    /// <inheritdoc />
    public long SpinUpdates => _spinUpdates;

    /// <summary>Clusters built since construction.</summary>
    public long ClustersBuilt => _clusters;

    /// <summary>Mean size, in spins, of all clusters built so far (NaN before the first): estimates N⟨m²⟩.</summary>
    public double MeanClusterSize => _clusters > 0 ? (double)_clusterSpins / _clusters : double.NaN;

    /// <summary>Restarts <see cref="MeanClusterSize"/> and <see cref="ClustersBuilt"/> (e.g. after burn-in).</summary>
    public void ResetClusterStatistics()
    {
        _clusters = 0;
        _clusterSpins = 0;
    }

    /// <summary>Sizes of the clusters built in the last <see cref="Sweep"/>, in order (the list is reused by the next sweep).</summary>
    public IReadOnlyList<int> LastSweepClusterSizes => _lastSizes;

    /// <summary>Replaces the configuration by <paramref name="spins"/> (L×L, row-major, ±1).</summary>
    public void SetSpins(ReadOnlySpan<sbyte> spins)
    {
        SamplerGuards.CheckConfiguration(spins, _size);
        spins.CopyTo(_spins);
    }

    /// <summary>Sweeps that end after N flipped spins before the cluster count per sweep is fixed.</summary>
    public const int CalibrationSweeps = 64;

    /// <summary>
    /// Clusters built per sweep once calibrated (0 while calibrating). Setting a positive value fixes it and
    /// ends the calibration.
    /// </summary>
    public int ClustersPerSweep
    {
        get => _clustersPerSweep;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), value, "clusters per sweep must be at least 1");
            _clustersPerSweep = value;
        }
    }

    /// <inheritdoc />
    public void Sweep()
    {
        _lastSizes.Clear();
        long flipped = 0;
        if (_clustersPerSweep > 0)
        {
            for (int k = 0; k < _clustersPerSweep; k++) _lastSizes.Add(FlipCluster());
            return;
        }
        while (flipped < _sites)
        {
            int size = FlipCluster();
            _lastSizes.Add(size);
            flipped += size;
        }
        _calibrationSweeps++;
        if (_calibrationSweeps > CalibrationSweeps / 2)
        {
            // Only the second half counts: from a random start the clusters grow while the chain equilibrates.
            _calibrationClusters += _lastSizes.Count;
            _calibrationSpins += flipped;
        }
        if (_calibrationSweeps == CalibrationSweeps)
            _clustersPerSweep = (int)Math.Max(1, Math.Ceiling(_sites * (double)_calibrationClusters / _calibrationSpins));
    }

    /// <summary>Grows and flips one cluster from a uniformly random site and returns its size (counted in the running mean, not in <see cref="LastSweepClusterSizes"/>).</summary>
    public int FlipCluster()
    {
        int size = _size;
        uint threshold = _bondThreshold;
        ref sbyte spins = ref MemoryMarshal.GetArrayDataReference(_spins);
        ref int queue = ref MemoryMarshal.GetArrayDataReference(_queue);
        ref uint uniforms = ref MemoryMarshal.GetArrayDataReference(_uniforms);
        int seed = _rng.NextInt(_sites);
        int seedRow = seed / size;
        sbyte old = Unsafe.Add(ref spins, seed);
        Unsafe.Add(ref spins, seed) = (sbyte)-old;
        queue = (seedRow << 16) | (seed - seedRow * size);
        int head = 0, tail = 1;
        int next = _nextUniform;
        while (head < tail)
        {
            if (next > UniformBuffer - 4)
            {
                RefillUniforms();
                next = 0;
            }
            int packed = Unsafe.Add(ref queue, head++);
            int r = packed >> 16, c = packed & 0xFFFF;
            int up = r == 0 ? size - 1 : r - 1;
            int down = r == size - 1 ? 0 : r + 1;
            int left = c == 0 ? size - 1 : c - 1;
            int right = c == size - 1 ? 0 : c + 1;
            TryJoin(ref spins, ref queue, ref tail, old, size, up, c, Unsafe.Add(ref uniforms, next) < threshold);
            TryJoin(ref spins, ref queue, ref tail, old, size, down, c, Unsafe.Add(ref uniforms, next + 1) < threshold);
            TryJoin(ref spins, ref queue, ref tail, old, size, r, left, Unsafe.Add(ref uniforms, next + 2) < threshold);
            TryJoin(ref spins, ref queue, ref tail, old, size, r, right, Unsafe.Add(ref uniforms, next + 3) < threshold);
            next += 4;
        }
        int clusterSize = tail;
        _nextUniform = next;
        _clusters++;
        _clusterSpins += clusterSize;
        _spinUpdates += clusterSize;
        return clusterSize;
    }

    /// <summary>Adds site (r, c) to the cluster when it still has the old spin and its bond is occupied.</summary>
    /// <remarks>
    /// Both conditions are coin tosses near T_c, so the join is computed without branches: the site is written
    /// and queued unconditionally, and only the spin change and the queue tail depend on the outcome. A uniform
    /// is consumed even when the spins differ, which costs less than the branch would.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TryJoin(ref sbyte spins, ref int queue, ref int tail, sbyte old, int size, int r, int c, bool occupied)
    {
        ref sbyte s = ref Unsafe.Add(ref spins, r * size + c);
        int join = (s == old ? 1 : 0) & (occupied ? 1 : 0);
        s ^= (sbyte)(-2 & -join); // XOR with 0xFE negates a ±1 byte
        Unsafe.Add(ref queue, tail) = (r << 16) | c;
        tail += join;
    }

    private void RefillUniforms()
    {
        Span<uint> buffer = _uniforms;
        Xoshiro256x4 rng = _laneRng;
        for (int i = 0; i < UniformBuffer; i += 8)
            rng.NextBytes().AsUInt32().CopyTo(buffer.Slice(i));
        _laneRng = rng;
    }
}
