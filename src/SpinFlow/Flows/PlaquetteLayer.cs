namespace SpinFlow.Flows;

/// <summary>
/// One plaquette layer of a flow on an L×L periodic lattice: the lattice (or a sublattice) is tiled into 2×2 plaquettes
/// with dilation d and offset o, and one bijector, shared by every plaquette, transforms each plaquette's 4-vector.
/// </summary>
/// <remarks>
/// Plaquette (b_i, b_j), element k ∈ {0,1,2,3} sits at row (b_i·2d + d·⌊k/2⌋ + o) mod L and column
/// (b_j·2d + d·(k mod 2) + o) mod L (DESIGN.md §5). The plaquettes of one layer are disjoint, so they can be
/// processed in any order and in parallel.
/// </remarks>
public sealed record PlaquetteLayer
{
    /// <summary>Lattice side L.</summary>
    public int Size { get; }
    /// <summary>Dilation d: distance between the plaquette's elements.</summary>
    public int Dilation { get; }
    /// <summary>Offset o of the tiling (along both axes).</summary>
    public int Offset { get; }
    /// <summary>Index of the bijector (parameter block) of the owning flow that this layer applies.</summary>
    public int Bijector { get; }
    /// <summary>Role in the architecture, for printing ("disentangler", "decimator", "fine", "coarse").</summary>
    public string Role { get; }

    /// <summary>Validates the tiling: d ≥ 1 and 2d divides L.</summary>
    public PlaquetteLayer(int size, int dilation, int offset, int bijector, string role)
    {
        if (dilation < 1) throw new ArgumentOutOfRangeException(nameof(dilation), dilation, "dilation must be at least 1");
        if (size < 2 || size % (2 * dilation) != 0)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"lattice size {size} is not a multiple of 2·dilation = {2 * dilation}");
        if (offset < 0 || offset >= size) throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset must be in [0, L)");
        if (bijector < 0) throw new ArgumentOutOfRangeException(nameof(bijector), bijector, "bijector index must be non-negative");
        Size = size;
        Dilation = dilation;
        Offset = offset;
        Bijector = bijector;
        Role = role ?? throw new ArgumentNullException(nameof(role));
    }

    /// <summary>Plaquettes along one axis, L / (2d).</summary>
    public int PlaquettesPerSide => Size / (2 * Dilation);

    /// <summary>Number of plaquettes, (L / 2d)².</summary>
    public int PlaquetteCount => PlaquettesPerSide * PlaquettesPerSide;

    /// <summary>Row-major site index of element <paramref name="k"/> of plaquette (<paramref name="bi"/>, <paramref name="bj"/>).</summary>
    public int Site(int bi, int bj, int k)
    {
        if ((uint)k > 3) throw new ArgumentOutOfRangeException(nameof(k), k, "plaquette element must be 0..3");
        int row = (bi * 2 * Dilation + Dilation * (k >> 1) + Offset) % Size;
        int col = (bj * 2 * Dilation + Dilation * (k & 1) + Offset) % Size;
        return row * Size + col;
    }

    /// <summary>Site indices of all plaquettes, 4 per plaquette (plaquette-major, element-minor), plaquettes row-major.</summary>
    public int[] Sites()
    {
        int m = PlaquettesPerSide;
        var sites = new int[4 * m * m];
        for (int bi = 0; bi < m; bi++)
            for (int bj = 0; bj < m; bj++)
                for (int k = 0; k < 4; k++)
                    sites[4 * (bi * m + bj) + k] = Site(bi, bj, k);
        return sites;
    }

    /// <summary>The same layer acting on the stride-<paramref name="stride"/> sublattice of a lattice <paramref name="stride"/> times larger.</summary>
    public PlaquetteLayer Embed(int stride)
    {
        if (stride < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        return new PlaquetteLayer(checked(Size * stride), Dilation * stride, Offset * stride, Bijector, Role);
    }

    /// <summary>"fine d=1 o=0 → bijector 3".</summary>
    public override string ToString() => $"{Role} d={Dilation} o={Offset} → bijector {Bijector}";
}
