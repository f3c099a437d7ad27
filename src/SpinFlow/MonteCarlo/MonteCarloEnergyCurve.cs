using SpinFlow.Lattice;
using SpinFlow.Randomness;
using SpinFlow.Statistics;

namespace SpinFlow.MonteCarlo;

/// <summary>
/// e(T) of a clock or XY model measured by Monte Carlo on a temperature grid, each point e_j ± σ with the specific heat
/// c_j = de/dT ± σ from the energy fluctuations; between grid points e(T) is the cubic Hermite interpolant of the values
/// and slopes, so the interpolation error is O(ΔT⁴) rather than the O(ΔT²) of straight lines.
/// </summary>
/// <remarks>
/// <see cref="Invert"/> finds T on the first grid interval whose end energies bracket e, and carries the errors of the
/// four numbers that fix that interval's cubic (e_j, c_j, e_{j+1}, c_{j+1}, treated as independent) and of e itself
/// through the implicit function H(T) = e: σ_T² = (σ_e² + Σ_p (∂H/∂p σ_p)²) / H′(T)². Energies outside
/// [e_first, e_last] are not inverted.
/// </remarks>
public sealed class MonteCarloEnergyCurve : EnergyCurve
{
    private readonly double[] _t;
    private readonly Estimate[] _e, _c;

    /// <summary>A curve from measured points (e.g. read back from a record): increasing temperatures, finite means and errors.</summary>
    public MonteCarloEnergyCurve(SpinModel model, int size, IReadOnlyList<double> temperatures, IReadOnlyList<Estimate> energies, IReadOnlyList<Estimate> specificHeats)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(temperatures);
        ArgumentNullException.ThrowIfNull(energies);
        ArgumentNullException.ThrowIfNull(specificHeats);
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "the lattice size must be at least 2");
        if (temperatures.Count < 2) throw new ArgumentException("an energy curve needs at least two temperatures", nameof(temperatures));
        if (energies.Count != temperatures.Count || specificHeats.Count != temperatures.Count)
            throw new ArgumentException("one energy and one specific heat per temperature");
        for (int j = 0; j < temperatures.Count; j++)
        {
            if (!(temperatures[j] > 0) || double.IsInfinity(temperatures[j])) throw new ArgumentOutOfRangeException(nameof(temperatures), temperatures[j], "temperature must be positive and finite");
            if (j > 0 && !(temperatures[j] > temperatures[j - 1])) throw new ArgumentException("the temperature grid must be strictly increasing", nameof(temperatures));
            foreach (var v in (ReadOnlySpan<Estimate>)[energies[j], specificHeats[j]])
                if (!double.IsFinite(v.Mean) || !(v.Error >= 0) || double.IsInfinity(v.Error))
                    throw new ArgumentException($"the point at T = {temperatures[j]} has a non-finite mean or error");
        }
        Model = model;
        Size = size;
        _t = temperatures.ToArray();
        _e = energies.ToArray();
        _c = specificHeats.ToArray();
    }

    /// <inheritdoc />
    public override SpinModel Model { get; }

    /// <inheritdoc />
    public override int Size { get; }

    /// <summary>The grid temperatures.</summary>
    public IReadOnlyList<double> Temperatures => _t;

    /// <summary>⟨e⟩ ± σ at each grid temperature.</summary>
    public IReadOnlyList<Estimate> Energies => _e;

    /// <summary>c = de/dT ± σ at each grid temperature.</summary>
    public IReadOnlyList<Estimate> SpecificHeats => _c;

    /// <summary>
    /// Measures the curve of <paramref name="model"/> (clock:Q or xy) on the L×L lattice: one Wolff chain per grid
    /// temperature (<see cref="AngleChainRun"/>), <paramref name="sweeps"/> measured after <paramref name="thermalize"/>;
    /// temperature j draws from (seed, j), so the result does not depend on <paramref name="maxParallelism"/>.
    /// </summary>
    public static MonteCarloEnergyCurve Run(SpinModel model, int size, IReadOnlyList<double> temperatures, int sweeps, int thermalize, ulong seed,
        int maxParallelism = -1, IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(temperatures);
        if (model is IsingModel) throw new ArgumentException("the Ising model has an exact energy curve (EnergyCurve.Exact)", nameof(model));
        int count = temperatures.Count;
        var e = new Estimate[count];
        var c = new Estimate[count];
        int done = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism, CancellationToken = cancellation }, j =>
        {
            var options = new McmcOptions(size, temperatures[j], SpinAlgorithm.Wolff, sweeps, thermalize, 1, Xoshiro256.ForStream(seed, (ulong)j).NextUInt64());
            var r = AngleChainRun.Run(model, options, cancellation: cancellation);
            e[j] = r.Observables.Base.Energy;
            c[j] = r.Observables.Base.SpecificHeat;
            progress?.Report((double)Interlocked.Increment(ref done) / count);
        });
        return new MonteCarloEnergyCurve(model, size, temperatures, e, c);
    }

    /// <summary>The interpolated e(T) for T inside the grid.</summary>
    public double Energy(double temperature)
    {
        if (!(temperature >= _t[0] && temperature <= _t[^1]))
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, $"temperature outside the curve's grid [{_t[0]}, {_t[^1]}]");
        int j = 0;
        while (j < _t.Length - 2 && _t[j + 1] < temperature) j++;
        return Segment(j, (temperature - _t[j]) / (_t[j + 1] - _t[j])).Value;
    }

    /// <inheritdoc />
    public override CurveInversion Invert(double energy, double energyError)
    {
        if (!double.IsFinite(energy)) return CurveInversion.None;
        for (int j = 0; j < _t.Length - 1; j++)
        {
            double a = _e[j].Mean, b = _e[j + 1].Mean;
            if (energy < Math.Min(a, b) || energy > Math.Max(a, b)) continue;
            // Bisection on s ∈ [0, 1]: the cubic meets a and b at the ends, so the bracket holds whatever its shape inside.
            double lo = 0, hi = 1;
            bool rising = b >= a;
            for (int it = 0; it < 200 && hi - lo > 1e-15; it++)
            {
                double mid = 0.5 * (lo + hi);
                if ((Segment(j, mid).Value < energy) == rising) lo = mid; else hi = mid;
            }
            double s = 0.5 * (lo + hi), h = _t[j + 1] - _t[j];
            var p = Segment(j, s);
            double t = _t[j] + s * h;
            if (!(p.Slope > 0)) return new CurveInversion(t, double.NaN, double.NaN, p.Slope);
            double curve2 = Sq(p.W0 * _e[j].Error) + Sq(p.W1 * h * _c[j].Error) + Sq(p.W2 * _e[j + 1].Error) + Sq(p.W3 * h * _c[j + 1].Error);
            double curveError = Math.Sqrt(curve2) / p.Slope;
            double total = Math.Sqrt(Sq(energyError) + curve2) / p.Slope;
            return new CurveInversion(t, total, curveError, p.Slope);
        }
        return CurveInversion.None;
    }

    private static double Sq(double v) => v * v;

    // The Hermite cubic of interval j at s = (T − T_j)/h: its value, dH/dT, and the weights h00, h10, h01, h11 of e_j, h·c_j, e_{j+1}, h·c_{j+1}.
    private (double Value, double Slope, double W0, double W1, double W2, double W3) Segment(int j, double s)
    {
        double h = _t[j + 1] - _t[j];
        double s2 = s * s, s3 = s2 * s;
        double w0 = 2 * s3 - 3 * s2 + 1, w1 = s3 - 2 * s2 + s, w2 = -2 * s3 + 3 * s2, w3 = s3 - s2;
        double e0 = _e[j].Mean, e1 = _e[j + 1].Mean, c0 = _c[j].Mean, c1 = _c[j + 1].Mean;
        double value = w0 * e0 + w1 * h * c0 + w2 * e1 + w3 * h * c1;
        double slope = ((6 * s2 - 6 * s) * (e0 - e1)) / h + (3 * s2 - 4 * s + 1) * c0 + (3 * s2 - 2 * s) * c1;
        return (value, slope, w0, w1, w2, w3);
    }
}
