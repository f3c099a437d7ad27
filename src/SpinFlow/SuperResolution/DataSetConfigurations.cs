using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Configurations drawn uniformly with replacement from a fixed data set of L×L relaxed configurations (from
/// <c>spinflow relaxed</c>, or from a lower flow via <c>spinflow generate</c>): the empirical input distribution of eq. 12.
/// </summary>
public sealed class DataSetConfigurations : IConfigurationSource
{
    private readonly float[] _data;

    /// <inheritdoc/>
    public int Size { get; }

    /// <summary>Number of configurations in the data set.</summary>
    public int Count { get; }

    /// <summary>H of the distribution the data set samples, when the caller knows it (e.g. <see cref="FlowTrainer.LatentEntropyOf"/> less the noise term).</summary>
    public double? Entropy { get; init; }

    /// <summary>The data set's values (not copied).</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Count * Size * Size);

    /// <summary>
    /// Wraps <paramref name="count"/> configurations of <paramref name="size"/>×<paramref name="size"/> stored back to back in
    /// <paramref name="data"/> (not copied; every value must be finite).
    /// </summary>
    public DataSetConfigurations(float[] data, int count, int size)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size must be positive");
        int n = size * size;
        if (count < 1 || (long)count * n > data.Length)
            throw new ArgumentException($"data holds {data.Length} values, fewer than count {count} × L² {n} (or count < 1)", nameof(count));
        for (int i = 0; i < count * n; i++)
            if (!float.IsFinite(data[i]))
                throw new ArgumentException($"data set configuration {i / n} holds a non-finite value at site {i % n}", nameof(data));
        _data = data;
        Count = count;
        Size = size;
    }

    /// <summary>Copies one uniformly chosen configuration per sample (one <see cref="Xoshiro256.NextInt"/> each, in sample order).</summary>
    public void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Size * Size;
        if (configurations.Length % n != 0) throw new ArgumentException($"length {configurations.Length} is not a multiple of L² = {n}", nameof(configurations));
        for (int s = 0; s < configurations.Length / n; s++)
            _data.AsSpan(rng.NextInt(Count) * n, n).CopyTo(configurations.Slice(s * n, n));
    }
}
