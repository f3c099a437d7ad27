using SpinFlow.Randomness;
using SpinFlow.Relaxation;

namespace SpinFlow.Latent;

/// <summary>
/// Configurations drawn uniformly with replacement from a fixed data set of L×L configurations (from <c>spinflow relaxed</c>,
/// or from a lower flow via <c>spinflow generate</c>): the empirical input distribution of ξ (paper eq. 12).
/// </summary>
/// <remarks>
/// An empirical distribution has no density of its own; when the data set samples a known relaxed model π_ξ
/// (<see cref="Model"/>), ln π_ξ = −E_ξ + const stands in for it, as the importance weights of the samplers need.
/// </remarks>
public sealed class DataSetDistribution : LatticeDistribution
{
    private readonly float[] _data;

    /// <summary>Number of configurations in the data set.</summary>
    public int Count { get; }

    /// <summary>The relaxed model π_ξ the data set samples, when known (gives <see cref="LogDensity"/>).</summary>
    public IRelaxedModel? Model { get; }

    /// <summary>The data set's values (not copied).</summary>
    public ReadOnlySpan<float> Data => _data.AsSpan(0, Count * Values);

    /// <summary>
    /// Wraps <paramref name="count"/> configurations of <paramref name="size"/>×<paramref name="size"/> with
    /// <paramref name="channels"/> values per site (default: the model's, else 1) stored back to back in
    /// <paramref name="data"/> (not copied; every value must be finite); <paramref name="model"/>, if given, is the relaxed
    /// model the data set samples.
    /// </summary>
    public DataSetDistribution(float[] data, int count, int size, IRelaxedModel? model = null, int? channels = null)
        : base(size, channels ?? model?.Channels ?? 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        int n = Values;
        if (count < 1 || (long)count * n > data.Length)
            throw new ArgumentException(Channels == 1
                ? $"data holds {data.Length} values, fewer than count {count} × L² {n} (or count < 1)"
                : $"data holds {data.Length} values, fewer than count {count} × C·L² {n} (or count < 1)", nameof(count));
        if (model is not null && model.Size != size)
            throw new ArgumentException($"the model is {model.Size}×{model.Size} but the configurations are {size}×{size}", nameof(model));
        if (model is not null && model.Channels != Channels)
            throw new ArgumentException($"the {model.Model.Name} model has {model.Channels} values per site, the configurations {Channels}", nameof(model));
        for (int i = 0; i < count * n; i++)
            if (!float.IsFinite(data[i]))
                throw new ArgumentException($"data set configuration {i / n} holds a non-finite value at site {i % n / Channels}", nameof(data));
        _data = data;
        Count = count;
        Model = model;
    }

    /// <summary>
    /// The data set read from <paramref name="path"/>, given as <paramref name="option"/>: a bad value (NaN, ±∞) is an
    /// <see cref="InvalidDataException"/> naming the option and the file.
    /// </summary>
    public static DataSetDistribution OfFile(string option, string path, float[] data, int count, int size, IRelaxedModel? model = null, int? channels = null)
    {
        try { return new DataSetDistribution(data, count, size, model, channels); }
        catch (ArgumentException e) { throw new InvalidDataException($"{option} {path}: {e.Message.Split(" (Parameter")[0]}"); }
    }

    /// <summary>As the main constructor, with double-precision configurations (all of <paramref name="data"/>, copied as float32).</summary>
    public DataSetDistribution(ReadOnlySpan<double> data, int size, IRelaxedModel? model = null, int? channels = null)
        : this(Numerics.Precision.ToSingle(data), WholeConfigurations(data.Length, size, channels ?? model?.Channels ?? 1), size, model, channels) { }

    private static int WholeConfigurations(int length, int size, int channels)
    {
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size must be positive");
        int n = size * size * channels;
        if (length == 0 || length % n != 0)
            throw new ArgumentException($"data must hold whole {size}×{size} configurations (a positive multiple of {n} values), got {length}");
        return length / n;
    }

    /// <summary>Copies one uniformly chosen configuration per sample (one <see cref="Xoshiro256.NextInt"/> each, in sample order).</summary>
    public override void Draw(Xoshiro256 rng, Span<float> batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int samples = BatchOf(batch.Length);
        for (int s = 0; s < samples; s++)
            _data.AsSpan(rng.NextInt(Count) * Values, Values).CopyTo(batch.Slice(s * Values, Values));
    }

    /// <inheritdoc/>
    public override bool HasDensity => Model is not null;

    /// <inheritdoc/>
    /// <remarks>ln π_ξ = −E_ξ + const; needs <see cref="Model"/>.</remarks>
    public override void LogDensity(ReadOnlySpan<double> z, Span<double> logDensity)
    {
        if (Model is null) throw new InvalidOperationException("ln p needs the data set's model π_ξ (its temperature and shift)");
        int batch = CheckDensityBuffers(z.Length, logDensity.Length);
        for (int b = 0; b < batch; b++) logDensity[b] = -Model.Energy(z.Slice(b * Values, Values));
    }
}
