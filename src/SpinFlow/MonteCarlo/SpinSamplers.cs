namespace SpinFlow.MonteCarlo;

/// <summary>Construction of the reference spin samplers by algorithm, and parsing of algorithm names.</summary>
public static class SpinSamplers
{
    /// <summary>The accepted spellings, as listed in error messages.</summary>
    public const string ValidNames = "metropolis, sw (or swendsen-wang), wolff";

    /// <summary>A sampler of kind <paramref name="algorithm"/> on the L×L lattice at temperature T, seeded with <paramref name="seed"/>.</summary>
    public static ISpinSampler Create(SpinAlgorithm algorithm, int size, double temperature, ulong seed) => algorithm switch
    {
        SpinAlgorithm.Metropolis => new Metropolis(size, temperature, seed),
        SpinAlgorithm.SwendsenWang => new SwendsenWang(size, temperature, seed),
        SpinAlgorithm.Wolff => new Wolff(size, temperature, seed),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown spin algorithm"),
    };

    /// <summary>Parses "metropolis", "sw" / "swendsen-wang" or "wolff" (case-insensitive, surrounding blanks ignored).</summary>
    public static SpinAlgorithm Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "metropolis" => SpinAlgorithm.Metropolis,
            "sw" or "swendsen-wang" or "swendsenwang" => SpinAlgorithm.SwendsenWang,
            "wolff" => SpinAlgorithm.Wolff,
            _ => throw new ArgumentException($"unknown spin algorithm '{name}'; valid names: {ValidNames}", nameof(name)),
        };
    }

    /// <summary>Canonical short name of <paramref name="algorithm"/>, the one <see cref="Parse"/> reads back.</summary>
    public static string Name(SpinAlgorithm algorithm) => algorithm switch
    {
        SpinAlgorithm.Metropolis => "metropolis",
        SpinAlgorithm.SwendsenWang => "sw",
        SpinAlgorithm.Wolff => "wolff",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "unknown spin algorithm"),
    };
}
