using SpinFlow.Lattice;
using SpinFlow.Randomness;

namespace SpinFlow.Relaxation;

/// <summary>
/// Measurements of the clock and XY models on a relaxed configuration x. Given x the spins are independent with means
/// μ_i = E[s_i | x], so e and m² have closed-form conditional expectations (improved estimators); |m| and m⁴ come
/// from one spin configuration drawn from s | x (unbiased, not conditioned), e² from E[e | x]² and two such draws.
/// </summary>
public static class RelaxedAngleEstimators
{
    /// <summary>
    /// E[e | x] = −(1/N) Σ_⟨ij⟩ μ_i·μ_j and E[m² | x] = (|Σ μ_i|² − Σ |μ_i|² + N)/N² (|s_i| = 1), with |m| and m⁴ of
    /// one drawn spin configuration and e² = E[e | x]² + ½(e₁ − e₂)² of two (unbiased for E[e² | x]).
    /// <paramref name="scratch"/> needs 3N entries.
    /// </summary>
    public static RelaxedMeasurement Measure(RelaxedAngleModel model, ReadOnlySpan<double> x, Span<double> scratch, Xoshiro256 rng) =>
        Measure(model, x, scratch, rng, out _, vortices: false);

    /// <summary>
    /// As <see cref="Measure(RelaxedAngleModel, ReadOnlySpan{double}, Span{double}, Xoshiro256)"/> (the same draws), and
    /// <paramref name="drawn"/>: the measurement of the drawn spin configuration with its vortex density, whose
    /// <see cref="AngleMeasurement.Helicity"/> and <see cref="AngleMeasurement.VortexDensity"/> are unbiased for Υ and the
    /// vortex density (s | x is an exact draw).
    /// </summary>
    public static RelaxedMeasurement Measure(RelaxedAngleModel model, ReadOnlySpan<double> x, Span<double> scratch, Xoshiro256 rng, out AngleMeasurement drawn) =>
        Measure(model, x, scratch, rng, out drawn, vortices: true);

    private static RelaxedMeasurement Measure(RelaxedAngleModel model, ReadOnlySpan<double> x, Span<double> scratch, Xoshiro256 rng, out AngleMeasurement drawn, bool vortices)
    {
        ArgumentNullException.ThrowIfNull(model);
        int n = model.Sites, l = model.Size;
        if (x.Length != 2 * n) throw new ArgumentException($"configuration has {x.Length} values, expected 2L² = {2 * n}", nameof(x));
        if (scratch.Length < 3 * n) throw new ArgumentException($"scratch needs {3 * n} entries", nameof(scratch));
        var mean = scratch[..(2 * n)];
        model.MeanSpins(x, mean);
        var (e, m2) = Improved(mean, l);

        var angles = scratch.Slice(2 * n, n);
        model.SampleAngles(x, angles, rng);
        double vortexDensity = vortices ? VortexDensity(model.Model, angles, l) : 0;
        model.SpinsFromAngles(angles, mean); // the means are no longer needed
        Split(mean, out var cos, out var sin, n);
        var sampled = AngleConfiguration.Measure(cos, sin, l, vortexDensity);
        drawn = sampled;
        double sm2 = sampled.Mx * sampled.Mx + sampled.My * sampled.My;

        // E[e² | x] = E[e | x]² + Var(e | x), and ½(e₁ − e₂)² of a second draw is unbiased for Var(e | x): c then rests on
        // the improved e and only its small conditional part is sampled.
        model.SampleAngles(x, angles, rng);
        model.SpinsFromAngles(angles, mean);
        double second = Improved(mean, l).Energy; // unit spins: their "mean" is the configuration itself
        double half = sampled.Energy - second;
        return new RelaxedMeasurement(e, e * e + 0.5 * half * half, m2, Math.Sqrt(sm2), sm2 * sm2);
    }

    /// <summary>E[e | x] and E[m² | x] from the mean spins μ (2N values, site by site) of an L×L configuration.</summary>
    public static (double Energy, double M2) Improved(ReadOnlySpan<double> mean, int size)
    {
        int n = size * size;
        if (mean.Length != 2 * n) throw new ArgumentException($"expected {2 * n} values", nameof(mean));
        double bonds = 0, sx = 0, sy = 0, self = 0;
        for (int r = 0; r < size; r++)
        {
            int row = r * size, below = (r + 1 == size ? 0 : r + 1) * size;
            for (int c = 0; c < size; c++)
            {
                int i = row + c, right = row + (c + 1 == size ? 0 : c + 1), down = below + c;
                double a = mean[2 * i], b = mean[2 * i + 1];
                // At L = 2 the right and down bonds of a site are distinct bonds to the same neighbour: both count, as in H.
                bonds += a * (mean[2 * right] + mean[2 * down]) + b * (mean[2 * right + 1] + mean[2 * down + 1]);
                sx += a;
                sy += b;
                self += a * a + b * b;
            }
        }
        double nn = (double)n * n;
        return (-bonds / n, (sx * sx + sy * sy - self + n) / nn);
    }

    // Clock angles are 2πk/Q as drawn: their states give the exact integer winding (a difference of π counts as −π).
    private static double VortexDensity(SpinModel model, ReadOnlySpan<double> angles, int size)
    {
        if (model is not ClockModel clock) return AngleConfiguration.VortexDensity(angles, size);
        int q = clock.States;
        byte[] states = System.Buffers.ArrayPool<byte>.Shared.Rent(angles.Length);
        try
        {
            for (int i = 0; i < angles.Length; i++) states[i] = (byte)(((long)Math.Round(angles[i] * q / (2 * Math.PI)) % q + q) % q);
            return AngleConfiguration.VortexDensity(states.AsSpan(0, angles.Length), q, size);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(states);
        }
    }

    private static void Split(ReadOnlySpan<double> spins, out double[] cos, out double[] sin, int n)
    {
        cos = new double[n];
        sin = new double[n];
        for (int i = 0; i < n; i++)
        {
            cos[i] = spins[2 * i];
            sin[i] = spins[2 * i + 1];
        }
    }
}
