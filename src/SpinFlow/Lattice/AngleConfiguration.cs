namespace SpinFlow.Lattice;

/// <summary>Per-configuration quantities of a clock or XY configuration on the periodic L×L lattice.</summary>
/// <param name="Energy">e = H/N, H = −Σ⟨ij⟩ cos(θ_i − θ_j).</param>
/// <param name="Mx">x component of m = Σ s_i / N.</param>
/// <param name="My">y component of m.</param>
/// <param name="BondCos">(Σ_x cos(θ_i − θ_j) + Σ_y cos(θ_i − θ_j)) / (2N): the first term of the helicity modulus.</param>
/// <param name="BondSin2">((Σ_x sin(θ_i − θ_j))² + (Σ_y sin(θ_i − θ_j))²) / (2N): the second term, before the factor β.</param>
/// <param name="VortexDensity">(vortices + antivortices) / N: plaquettes whose angle differences wind by ±2π.</param>
public readonly record struct AngleMeasurement(double Energy, double Mx, double My, double BondCos, double BondSin2, double VortexDensity)
{
    /// <summary>|m|.</summary>
    public double AbsM => Math.Sqrt(Mx * Mx + My * My);

    /// <summary>The helicity modulus of this configuration, BondCos − BondSin2 / T (its mean is Υ).</summary>
    public double Helicity(double temperature) => BondCos - BondSin2 / temperature;
}

/// <summary>Measurements on angle configurations: unit vectors (cos θ_i, sin θ_i), row-major, periodic L×L.</summary>
/// <remarks>
/// Bonds run from site i to its right (x) and lower (y) neighbour j; sin(θ_i − θ_j) is odd under the exchange, so
/// its squared sums do not depend on that choice. A plaquette's winding is the sum of the four angle differences
/// around it, each wrapped into [−π, π); for clock models with even Q a difference of exactly π counts as −π.
/// </remarks>
public static class AngleConfiguration
{
    /// <summary>θ_i ∈ [0, 2π) of unit spins (cos θ_i, sin θ_i).</summary>
    public static void AnglesOf(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin, Span<double> angles)
    {
        for (int i = 0; i < angles.Length; i++)
        {
            double a = Math.Atan2(sin[i], cos[i]);
            angles[i] = a < 0 ? a + 2 * Math.PI : a;
        }
    }

    /// <summary>θ_i = 2πk_i/Q of clock states k_i.</summary>
    public static void ClockAngles(ReadOnlySpan<byte> states, int q, Span<double> angles)
    {
        for (int i = 0; i < angles.Length; i++) angles[i] = 2 * Math.PI * states[i] / q;
    }

    /// <summary>Unit spins of clock states from the model's tables (<see cref="ClockModel.CosTable"/>, <see cref="ClockModel.SinTable"/>).</summary>
    public static void ClockSpins(ReadOnlySpan<byte> states, ReadOnlySpan<double> cosTable, ReadOnlySpan<double> sinTable, Span<double> cos, Span<double> sin)
    {
        for (int i = 0; i < cos.Length; i++)
        {
            cos[i] = cosTable[states[i]];
            sin[i] = sinTable[states[i]];
        }
    }

    /// <summary>Energy, magnetisation and helicity terms from the spin components; vortices from <paramref name="vortexDensity"/>.</summary>
    public static AngleMeasurement Measure(ReadOnlySpan<double> cos, ReadOnlySpan<double> sin, int size, double vortexDensity)
    {
        int n = size * size;
        if (cos.Length != n || sin.Length != n) throw new ArgumentException($"configuration has {cos.Length} sites, expected L² = {n}");
        double mx = 0, my = 0, cx = 0, cy = 0, sx = 0, sy = 0;
        for (int r = 0; r < size; r++)
        {
            int row = r * size, below = (r + 1 == size ? 0 : r + 1) * size;
            for (int c = 0; c < size; c++)
            {
                int i = row + c, right = row + (c + 1 == size ? 0 : c + 1), down = below + c;
                double ci = cos[i], si = sin[i];
                mx += ci;
                my += si;
                cx += ci * cos[right] + si * sin[right];
                sx += si * cos[right] - ci * sin[right];
                cy += ci * cos[down] + si * sin[down];
                sy += si * cos[down] - ci * sin[down];
            }
        }
        return new AngleMeasurement(-(cx + cy) / n, mx / n, my / n, (cx + cy) / (2.0 * n), (sx * sx + sy * sy) / (2.0 * n), vortexDensity);
    }

    /// <summary>(vortices + antivortices) / N of a configuration of angles θ_i (radians, any range).</summary>
    public static double VortexDensity(ReadOnlySpan<double> angles, int size)
    {
        int n = size * size, count = 0;
        for (int r = 0; r < size; r++)
        {
            int row = r * size, below = (r + 1 == size ? 0 : r + 1) * size;
            for (int c = 0; c < size; c++)
            {
                int right = c + 1 == size ? 0 : c + 1;
                double a = angles[row + c], b = angles[row + right], d = angles[below + right], e = angles[below + c];
                double w = Wrap(b - a) + Wrap(d - b) + Wrap(e - d) + Wrap(a - e);
                if (Math.Abs(w) > Math.PI) count++;
            }
        }
        return (double)count / n;
    }

    /// <summary>(vortices + antivortices) / N of a clock configuration of states k_i ∈ {0 … Q − 1}, in exact integer arithmetic.</summary>
    public static double VortexDensity(ReadOnlySpan<byte> states, int q, int size)
    {
        int n = size * size, count = 0;
        for (int r = 0; r < size; r++)
        {
            int row = r * size, below = (r + 1 == size ? 0 : r + 1) * size;
            for (int c = 0; c < size; c++)
            {
                int right = c + 1 == size ? 0 : c + 1;
                int a = states[row + c], b = states[row + right], d = states[below + right], e = states[below + c];
                int w = Wrap(b - a, q) + Wrap(d - b, q) + Wrap(e - d, q) + Wrap(a - e, q);
                if (w != 0) count++;
            }
        }
        return (double)count / n;
    }

    // Angle difference into [−π, π).
    private static double Wrap(double d)
    {
        d -= 2 * Math.PI * Math.Floor((d + Math.PI) / (2 * Math.PI));
        return d;
    }

    // Difference of clock states into [−Q/2, Q/2), in units of 2π/Q.
    private static int Wrap(int d, int q)
    {
        d %= q;
        if (d < 0) d += q;
        return 2 * d >= q ? d - q : d;
    }
}
