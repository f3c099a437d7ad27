namespace SpinFlow.Lattice;

/// <summary>Periodic L×L square lattice; sites are numbered row-major, i = row·L + column.</summary>
public sealed record SquareLattice
{
    /// <summary>Linear size L.</summary>
    public int Size { get; }

    /// <summary>Number of sites N = L².</summary>
    public int Sites => Size * Size;

    /// <summary>Number of nearest-neighbour bonds, 2N (each site owns its right and down bond).</summary>
    public int Bonds => 2 * Sites;

    /// <summary>Creates the lattice; L ≥ 2 (at L = 2 each pair of neighbours is joined by two bonds, as periodicity demands).</summary>
    public SquareLattice(int size)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at least 2");
        if (size > 46340) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size L must be at most 46340 (N must fit in an int)");
        Size = size;
    }

    /// <summary>Site index of (row, column), both taken modulo L.</summary>
    public int Index(int row, int column)
    {
        int r = ((row % Size) + Size) % Size;
        int c = ((column % Size) + Size) % Size;
        return r * Size + c;
    }

    /// <summary>Right neighbour of site i.</summary>
    public int Right(int i) { int c = i % Size; return c == Size - 1 ? i - Size + 1 : i + 1; }

    /// <summary>Left neighbour of site i.</summary>
    public int Left(int i) { int c = i % Size; return c == 0 ? i + Size - 1 : i - 1; }

    /// <summary>Down neighbour (row + 1) of site i.</summary>
    public int Down(int i) { int j = i + Size; return j >= Sites ? j - Sites : j; }

    /// <summary>Up neighbour (row − 1) of site i.</summary>
    public int Up(int i) { int j = i - Size; return j < 0 ? j + Sites : j; }

    /// <summary>True when L is a power of two (needed by FFTs, block-spin hierarchies and flows).</summary>
    public static bool IsPowerOfTwo(int size) => size >= 1 && (size & (size - 1)) == 0;
}
