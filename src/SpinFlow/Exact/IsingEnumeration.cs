using SpinFlow.Lattice;

namespace SpinFlow.Exact;

/// <summary>Thermal averages of the L×L periodic Ising model obtained by summing over all 2^N states.</summary>
/// <param name="Size">Linear size L.</param>
/// <param name="Temperature">Temperature T (J = k_B = 1).</param>
/// <param name="LnZ">ln Z = ln Σ_s exp(−H(s)/T).</param>
/// <param name="Energy">⟨e⟩, e = H/N.</param>
/// <param name="SpecificHeat">c = N(⟨e²⟩ − ⟨e⟩²)/T².</param>
/// <param name="M2">⟨m²⟩.</param>
/// <param name="AbsM">⟨|m|⟩.</param>
/// <param name="M4">⟨m⁴⟩.</param>
public sealed record EnumerationResult(int Size, double Temperature, double LnZ, double Energy, double SpecificHeat,
    double M2, double AbsM, double M4)
{
    /// <summary>χ = N(⟨m²⟩ − ⟨|m|⟩²)/T.</summary>
    public double Susceptibility => Size * Size * (M2 - AbsM * AbsM) / Temperature;

    /// <summary>U₄ = 1 − ⟨m⁴⟩/(3⟨m²⟩²).</summary>
    public double Binder => 1 - M4 / (3 * M2 * M2);
}

/// <summary>
/// Exact enumeration of the periodic L×L Ising model for L ≤ 5. The joint density of states g(H, M) is
/// accumulated once by a Gray-code walk (one spin flip per state) and then reweighted to any temperature.
/// </summary>
public sealed class IsingEnumeration
{
    /// <summary>Largest size enumerated (2^25 states at L = 5 take about a second).</summary>
    public const int MaxSize = 5;

    private readonly int _size;
    private readonly int _sites;
    // Counts of states with H = 2N − 2·(unsatisfied-bond shift) ... indexed directly by (H + 2N, M + N).
    private readonly long[,] _counts;

    /// <summary>Enumerates all 2^(L²) states of the L×L lattice once (2 ≤ L ≤ 5).</summary>
    public IsingEnumeration(int size)
    {
        if (size < 2 || size > MaxSize)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"exact enumeration supports 2 ≤ L ≤ {MaxSize}");
        _size = size;
        _sites = size * size;
        _counts = new long[4 * _sites + 1, 2 * _sites + 1];
        Enumerate();
    }

    /// <summary>Number of states with Hamiltonian <paramref name="energy"/> and total magnetisation <paramref name="magnetization"/>.</summary>
    public long DensityOfStates(int energy, int magnetization)
    {
        int ei = energy + 2 * _sites, mi = magnetization + _sites;
        if (ei < 0 || ei >= _counts.GetLength(0) || mi < 0 || mi >= _counts.GetLength(1)) return 0;
        return _counts[ei, mi];
    }

    /// <summary>Exact thermal averages at temperature <paramref name="temperature"/> &gt; 0.</summary>
    public EnumerationResult At(double temperature)
    {
        if (!(temperature > 0) || double.IsInfinity(temperature))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "temperature must be positive and finite");
        double beta = 1 / temperature;
        int n = _sites;
        // Shift by the ground-state weight so exp never overflows: H ≥ −2N.
        double shift = beta * 2 * n;
        double z = 0, e1 = 0, e2 = 0, m2 = 0, am = 0, m4 = 0;
        for (int ei = 0; ei < _counts.GetLength(0); ei++)
        {
            int h = ei - 2 * n;
            double w = Math.Exp(-beta * h - shift);
            double eps = (double)h / n;
            for (int mi = 0; mi < _counts.GetLength(1); mi++)
            {
                long g = _counts[ei, mi];
                if (g == 0) continue;
                double m = (double)(mi - n) / n;
                double gw = g * w;
                z += gw;
                e1 += gw * eps;
                e2 += gw * eps * eps;
                m2 += gw * m * m;
                am += gw * Math.Abs(m);
                m4 += gw * m * m * m * m;
            }
        }
        e1 /= z; e2 /= z; m2 /= z; am /= z; m4 /= z;
        return new EnumerationResult(_size, temperature, Math.Log(z) + shift, e1, n * (e2 - e1 * e1) * beta * beta, m2, am, m4);
    }

    /// <summary>Convenience: enumerate and average in one call.</summary>
    public static EnumerationResult Compute(int size, double temperature) => new IsingEnumeration(size).At(temperature);

    private void Enumerate()
    {
        var lattice = new SquareLattice(_size);
        int n = _sites;
        var spins = new sbyte[n];
        Array.Fill(spins, (sbyte)1);
        // Neighbour lists with multiplicity (at L = 2 left and right neighbours coincide, as do up and down).
        var nb = new int[n * 4];
        for (int i = 0; i < n; i++)
        {
            nb[4 * i] = lattice.Right(i);
            nb[4 * i + 1] = lattice.Left(i);
            nb[4 * i + 2] = lattice.Down(i);
            nb[4 * i + 3] = lattice.Up(i);
        }
        int h = -2 * n, m = n;
        _counts[h + 2 * n, m + n]++;
        ulong states = 1UL << n;
        for (ulong k = 1; k < states; k++)
        {
            // Gray code: the state index k differs from k − 1 in bit tz(k).
            int i = System.Numerics.BitOperations.TrailingZeroCount(k);
            int local = spins[nb[4 * i]] + spins[nb[4 * i + 1]] + spins[nb[4 * i + 2]] + spins[nb[4 * i + 3]];
            // Flipping s_i changes H by 2 s_i Σ_nb s_j.
            h += 2 * spins[i] * local;
            m -= 2 * spins[i];
            spins[i] = (sbyte)-spins[i];
            _counts[h + 2 * n, m + n]++;
        }
    }
}
