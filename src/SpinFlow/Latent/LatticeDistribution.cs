using SpinFlow.Randomness;

namespace SpinFlow.Latent;

/// <summary>
/// A distribution of configurations on an S×S periodic lattice, drawn in whole batches from one random stream: the latent
/// p_z of a flow or a stack of flows (what training, generation and the exact samplers draw z from), or the input
/// distribution of ξ around which a super-resolution latent is composed (DESIGN.md §5, §6, §9).
/// </summary>
/// <remarks>
/// Drawing from a given stream only is what keeps training exactly resumable (step k uses stream (seed, k) and nothing
/// else) and makes a seed name one set of draws. Implementations may keep per-batch scratch buffers, so they are not
/// thread-safe. Values are float32, as a flow sees them; batches are sample-major, row-major inside a sample.
/// </remarks>
public abstract class LatticeDistribution
{
    /// <summary>Side S of the lattice.</summary>
    public int Size { get; }

    /// <summary>Sites per configuration, S².</summary>
    public int Sites => Size * Size;

    /// <summary>Values per site C: 1 for the Ising model, 2 for clock and XY (value (b, row, col, c) at ((b·S + row)·S + col)·C + c).</summary>
    public int Channels { get; }

    /// <summary>Values per configuration, C·S².</summary>
    public int Values => Sites * Channels;

    /// <summary>Sets the lattice side and the values per site; S and C must be at least 1.</summary>
    protected LatticeDistribution(int size, int channels = 1)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size must be positive");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "values per site must be positive");
        Size = size;
        Channels = channels;
    }

    /// <summary>Fills <paramref name="batch"/> (batch × C·S²) with independent draws from <paramref name="rng"/>.</summary>
    public abstract void Draw(Xoshiro256 rng, Span<float> batch);

    /// <summary>
    /// Draws <paramref name="chains"/> independent configurations (chains × C·S², double) from the stream
    /// <c>new Xoshiro256(seed)</c>; same seed → same draws.
    /// </summary>
    public double[] Draw(int chains, ulong seed)
    {
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        var z = new float[chains * Values];
        Draw(new Xoshiro256(seed), z);
        return Numerics.Precision.ToDouble(z);
    }

    /// <summary>
    /// <paramref name="count"/> configurations back to back (count × C·S² floats), drawn in batches of <paramref name="batch"/>:
    /// batch k uses the stream (<paramref name="seed"/>, k) only, so the result depends on the seed and batch size alone.
    /// </summary>
    public float[] DrawDataSet(int count, ulong seed, int batch = 64)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be positive");
        if ((long)count * Values > Array.MaxLength) throw new ArgumentOutOfRangeException(nameof(count), count, "too many configurations for one array");
        var result = new float[count * Values];
        var buffer = new float[Math.Min(batch, count) * Values];
        for (int k = 0, done = 0; done < count; k++)
        {
            int b = Math.Min(batch, count - done);
            // The last, shorter batch still draws a full batch so that every batch uses its stream the same way.
            Draw(Xoshiro256.ForStream(seed, (ulong)k), buffer);
            buffer.AsSpan(0, b * Values).CopyTo(result.AsSpan(done * Values, b * Values));
            done += b;
        }
        return result;
    }

    /// <summary>Differential entropy H of one configuration, exact or estimated, when known; null otherwise.</summary>
    public double? Entropy { get; init; }

    /// <summary>True when <see cref="LogDensity"/> can be evaluated.</summary>
    public virtual bool HasDensity => false;

    /// <summary>
    /// ln p(z) per sample up to one constant common to all z (batch × C·S² values in, one per sample out), for importance
    /// weights ln w = −E_x(F(z)) + ln|det ∂F/∂z| − ln p_z(z). Throws when <see cref="HasDensity"/> is false.
    /// </summary>
    public virtual void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity) =>
        throw new InvalidOperationException($"{GetType().Name} has no density");

    /// <summary>Super-resolution levels between the input ξ and this lattice; 0 for a distribution drawn whole.</summary>
    public virtual int Levels => 0;

    /// <summary>
    /// Level of a site: 0 for an input site ξ (or any site of a distribution drawn whole), k for the noises that flow k of a
    /// stack adds.
    /// </summary>
    public virtual int LevelOf(int site)
    {
        CheckSite(site);
        return 0;
    }

    /// <summary>
    /// The sites of latent level <paramref name="level"/> as square periodic grids, each m×m sites row-major (sites, not
    /// values: value = site·C + channel): the whole lattice for a distribution drawn whole (level 0).
    /// </summary>
    public virtual IReadOnlyList<int[]> LevelGrids(int level)
    {
        if (level != 0) throw new ArgumentOutOfRangeException(nameof(level), level, "a distribution drawn whole has level 0 only");
        return [Enumerable.Range(0, Sites).ToArray()];
    }

    /// <summary>True when site (row, col) holds an input value ξ of a super-resolution latent (never for a distribution drawn whole).</summary>
    public virtual bool IsInputSite(int row, int col) => false;

    /// <summary>Throws when <paramref name="site"/> lies outside the lattice.</summary>
    protected void CheckSite(int site)
    {
        if ((uint)site >= (uint)Sites) throw new ArgumentOutOfRangeException(nameof(site), site, $"site outside the {Size}×{Size} lattice");
    }

    /// <summary>Batch size of a buffer, with a one-line error when its length is not a positive whole number of configurations.</summary>
    protected int BatchOf(int length)
    {
        if (length == 0 || length % Values != 0)
            throw new ArgumentException(Channels == 1 ? $"length {length} is not a positive multiple of S² = {Sites}" : $"length {length} is not a positive multiple of C·S² = {Values}");
        return length / Values;
    }

    /// <summary>Checks that <paramref name="logDensity"/> has one entry per sample of <paramref name="z"/>; returns the batch.</summary>
    protected int CheckDensityBuffers(int zLength, int logDensityLength)
    {
        int batch = BatchOf(zLength);
        if (logDensityLength != batch) throw new ArgumentException($"logDensity needs {batch} entries, got {logDensityLength}");
        return batch;
    }
}
