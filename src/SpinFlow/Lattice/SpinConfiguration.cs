namespace SpinFlow.Lattice;

/// <summary>Energy and magnetisation of one spin configuration, per site.</summary>
/// <param name="Energy">e = H/N with H = −Σ⟨ij⟩ s_i s_j.</param>
/// <param name="Magnetization">m = Σ s_i / N.</param>
public readonly record struct Measurement(double Energy, double Magnetization);

/// <summary>Measurements on spin configurations stored as ±1 bytes, row-major, on a periodic L×L lattice.</summary>
public static class SpinConfiguration
{
    /// <summary>H = −Σ⟨ij⟩ s_i s_j over the 2N bonds of the periodic lattice.</summary>
    public static long Hamiltonian(ReadOnlySpan<sbyte> spins, int size)
    {
        CheckShape(spins, size);
        long sum = 0;
        for (int r = 0; r < size; r++)
        {
            var row = spins.Slice(r * size, size);
            var below = spins.Slice(((r + 1) % size) * size, size);
            int acc = 0;
            for (int c = 0; c < size - 1; c++) acc += row[c] * (row[c + 1] + below[c]);
            acc += row[size - 1] * (row[0] + below[size - 1]);
            sum += acc;
        }
        return -sum;
    }

    /// <summary>Σ s_i.</summary>
    public static long TotalMagnetization(ReadOnlySpan<sbyte> spins)
    {
        long sum = 0;
        foreach (sbyte s in spins) sum += s;
        return sum;
    }

    /// <summary>Energy and magnetisation per site.</summary>
    public static Measurement Measure(ReadOnlySpan<sbyte> spins, int size)
    {
        double n = (double)size * size;
        return new Measurement(Hamiltonian(spins, size) / n, TotalMagnetization(spins) / n);
    }

    /// <summary>Fills <paramref name="spins"/> with independent fair ±1 spins (infinite-temperature start).</summary>
    public static void Randomize(Span<sbyte> spins, Randomness.Xoshiro256 rng)
    {
        int i = 0;
        while (i < spins.Length)
        {
            ulong bits = rng.NextUInt64();
            for (int b = 0; b < 64 && i < spins.Length; b++, i++, bits >>= 1)
                spins[i] = (bits & 1) == 0 ? (sbyte)-1 : (sbyte)1;
        }
    }

    internal static void CheckShape(ReadOnlySpan<sbyte> spins, int size)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at least 2");
        if (spins.Length != size * size)
            throw new ArgumentException($"configuration has {spins.Length} spins, expected L² = {size * size}", nameof(spins));
    }
}
