namespace SpinFlow.MonteCarlo;

/// <summary>Settings of one reference Monte Carlo run at one temperature; validated on construction.</summary>
public sealed record McmcOptions
{
    /// <summary>Linear lattice size L ≥ 2.</summary>
    public int Size { get; }
    /// <summary>Temperature T &gt; 0.</summary>
    public double Temperature { get; }
    /// <summary>Update algorithm.</summary>
    public SpinAlgorithm Algorithm { get; }
    /// <summary>Measured sweeps (after thermalisation).</summary>
    public int Sweeps { get; }
    /// <summary>Sweeps discarded before measuring.</summary>
    public int Thermalize { get; }
    /// <summary>Measure every k-th sweep.</summary>
    public int MeasureEvery { get; }
    /// <summary>Seed of the chain's random stream.</summary>
    public ulong Seed { get; }

    /// <summary>Validates and stores the settings; bad values throw <see cref="ArgumentException"/> with a one-line message.</summary>
    public McmcOptions(int size, double temperature, SpinAlgorithm algorithm, int sweeps, int thermalize, int measureEvery, ulong seed)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at least 2");
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
        if (!Enum.IsDefined(algorithm)) throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown algorithm");
        if (sweeps < 1) throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "number of sweeps must be at least 1");
        if (thermalize < 0) throw new ArgumentOutOfRangeException(nameof(thermalize), thermalize, "thermalisation sweeps must be non-negative");
        if (measureEvery < 1) throw new ArgumentOutOfRangeException(nameof(measureEvery), measureEvery, "measurement interval must be at least 1");
        if (sweeps / measureEvery < 4)
            throw new ArgumentOutOfRangeException(nameof(sweeps), sweeps, "need at least 4 measurements (sweeps / measure-every ≥ 4) for error bars");
        Size = size;
        Temperature = temperature;
        Algorithm = algorithm;
        Sweeps = sweeps;
        Thermalize = thermalize;
        MeasureEvery = measureEvery;
        Seed = seed;
    }

    /// <summary>Number of measurements the run will take.</summary>
    public int Measurements => Sweeps / MeasureEvery;
}
