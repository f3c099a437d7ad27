namespace SpinFlow.Training;

/// <summary>
/// A batched energy on L×L lattices (the target E_x of the flow, DESIGN.md §3): values per sample in double and the
/// gradient ∂E/∂x. Lattices are stored sample-major and row-major like the flows' inputs.
/// </summary>
public interface ILatticeEnergy
{
    /// <summary>Lattice side L.</summary>
    int Size { get; }

    /// <summary>Field components C per site (values per sample L²·C, channel-minor).</summary>
    int Channels { get; }

    /// <summary>energy[b] = E(x_b) and gradient = ∂E/∂x (both overwritten) for a batch.</summary>
    void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient);
}

/// <summary>
/// Stand-in target for benchmarks and tests: E(x) = ½m Σᵢ xᵢ² − J Σ_⟨ij⟩ xᵢxⱼ on the periodic lattice (positive definite
/// for m &gt; 4J). O(N) per sample, much cheaper than the relaxed Ising energy. With C channels every component is such a
/// field of its own (E is the sum over the components).
/// </summary>
public sealed class QuadraticLatticeEnergy : ILatticeEnergy
{
    /// <inheritdoc/>
    public int Size { get; }
    /// <summary>Mass m.</summary>
    public double Mass { get; }
    /// <summary>Nearest-neighbour coupling J.</summary>
    public double Coupling { get; }
    /// <inheritdoc/>
    public int Channels { get; }

    /// <summary>Validates m &gt; 4|J| (so the Gaussian is normalisable).</summary>
    public QuadraticLatticeEnergy(int size, double mass = 1, double coupling = 0, int channels = 1)
    {
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "lattice size must be at least 2");
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be at least 1");
        Channels = channels;
        if (!(mass > 4 * Math.Abs(coupling))) throw new ArgumentOutOfRangeException(nameof(mass), mass, "need m > 4|J| for a normalisable energy");
        Size = size;
        Mass = mass;
        Coupling = coupling;
    }

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient)
    {
        int l = Size, ch = Channels, n = l * l * ch;
        if (x.Length == 0 || x.Length % n != 0) throw new ArgumentException($"x length {x.Length} is not a multiple of L²·C = {n}", nameof(x));
        int batch = x.Length / n;
        if (energy.Length < batch || gradient.Length != x.Length) throw new ArgumentException("energy or gradient has the wrong length");
        float m = (float)Mass, j = (float)Coupling;
        for (int b = 0; b < batch; b++)
        {
            var s = x.Slice(b * n, n);
            var g = gradient.Slice(b * n, n);
            double e = 0;
            for (int r = 0; r < l; r++)
            {
                int up = ((r + l - 1) % l) * l, row = r * l, down = ((r + 1) % l) * l;
                for (int c = 0; c < l; c++)
                {
                    int left = c == 0 ? l - 1 : c - 1, right = c == l - 1 ? 0 : c + 1;
                    for (int k = 0; k < ch; k++)
                    {
                        float xi = s[(row + c) * ch + k];
                        float nb = s[(row + left) * ch + k] + s[(row + right) * ch + k] + s[(up + c) * ch + k] + s[(down + c) * ch + k];
                        // Each bond is counted from both ends, hence the ½ on the coupling term of the energy.
                        e += 0.5 * xi * ((double)m * xi - (double)j * nb);
                        g[(row + c) * ch + k] = m * xi - j * nb;
                    }
                }
            }
            energy[b] = e;
        }
    }
}
