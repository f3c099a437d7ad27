namespace SpinFlow.MonteCarlo;

/// <summary>Argument checks shared by the spin samplers.</summary>
internal static class SamplerGuards
{
    /// <summary>Largest L for which N = L² fits in an int.</summary>
    public const int MaxSize = 46340;

    public static void CheckSize(int size)
    {
        if (size < 2 || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"lattice size L must satisfy 2 ≤ L ≤ {MaxSize}");
    }

    public static void CheckTemperature(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
    }

    /// <summary>Checks that <paramref name="spins"/> is an L×L configuration of ±1 values.</summary>
    public static void CheckConfiguration(ReadOnlySpan<sbyte> spins, int size)
    {
        if (spins.Length != size * size)
            throw new ArgumentException($"configuration has {spins.Length} spins, expected L² = {size * size}", nameof(spins));
        for (int i = 0; i < spins.Length; i++)
            if (spins[i] != 1 && spins[i] != -1)
                throw new ArgumentException($"spin {i} is {spins[i]}; spins must be +1 or −1", nameof(spins));
    }

    /// <summary>Checks that <paramref name="states"/> is a configuration of N clock states, each below Q.</summary>
    public static void CheckClockStates(ReadOnlySpan<byte> states, int q, int sites)
    {
        if (states.Length != sites) throw new ArgumentException($"configuration has {states.Length} sites, expected L² = {sites}", nameof(states));
        foreach (byte k in states)
            if (k >= q) throw new ArgumentException($"clock state {k} is not below Q = {q}", nameof(states));
    }

    /// <summary>Checks that the two component buffers of a unit-spin configuration have N entries each.</summary>
    public static void CheckSpinBuffers(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin, int sites)
    {
        if (cos.Length != sites || sin.Length != sites)
            throw new ArgumentException($"spin buffers have {cos.Length} and {sin.Length} entries, expected N = {sites}");
    }
}
