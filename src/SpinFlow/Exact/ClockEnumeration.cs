using SpinFlow.Lattice;

namespace SpinFlow.Exact;

/// <summary>Exact thermal averages of the periodic L×L clock:Q model from a sum over all Q^N states.</summary>
/// <param name="Size">Linear size L.</param>
/// <param name="States">Q.</param>
/// <param name="Temperature">Temperature T.</param>
/// <param name="LnZ">ln Z = ln Σ exp(−H/T).</param>
/// <param name="Energy">⟨e⟩, e = H/N.</param>
/// <param name="SpecificHeat">c = N(⟨e²⟩ − ⟨e⟩²)/T².</param>
/// <param name="M2">⟨m²⟩ = ⟨|Σ s_i|²⟩/N².</param>
/// <param name="AbsM">⟨|m|⟩.</param>
/// <param name="M4">⟨m⁴⟩.</param>
/// <param name="Helicity">Υ = (1/N)[⟨Σ cos(θ_i − θ_j)⟩ − ⟨(Σ sin(θ_i − θ_j))²⟩/T], mean of x and y bonds.</param>
/// <param name="VortexDensity">⟨(vortices + antivortices)/N⟩ (convention of <see cref="AngleConfiguration"/>).</param>
public sealed record ClockEnumerationResult(int Size, int States, double Temperature, double LnZ, double Energy, double SpecificHeat,
    double M2, double AbsM, double M4, double Helicity, double VortexDensity)
{
    /// <summary>χ = N(⟨m²⟩ − ⟨|m|⟩²)/T.</summary>
    public double Susceptibility => Size * Size * (M2 - AbsM * AbsM) / Temperature;

    /// <summary>U₄ = 1 − ⟨m⁴⟩/(3⟨m²⟩²).</summary>
    public double Binder => 1 - M4 / (3 * M2 * M2);
}

/// <summary>
/// Enumeration of every configuration of the clock:Q model on a tiny periodic lattice (Q^N ≤ <see cref="MaxStates"/>),
/// for any number of temperatures in one pass. Sites are placed in row-major order and each bond is added once both
/// its ends are placed, so the partial sums of a prefix are shared by all its completions.
/// </summary>
public static class ClockEnumeration
{
    /// <summary>Largest number of configurations enumerated (a few seconds).</summary>
    public const long MaxStates = 100_000_000;

    /// <summary>Whether clock:<paramref name="states"/> on the L×L lattice is small enough to enumerate.</summary>
    public static bool Feasible(int states, int size) => size >= 2 && size <= 10 && Math.Pow(states, size * size) <= MaxStates;

    /// <summary>Exact averages of <paramref name="model"/> on the L×L lattice at each of <paramref name="temperatures"/>.</summary>
    public static ClockEnumerationResult[] Compute(ClockModel model, int size, params double[] temperatures)
    {
        ArgumentNullException.ThrowIfNull(model);
        int q = model.States;
        if (!Feasible(q, size))
            throw new ArgumentOutOfRangeException(nameof(size), size, $"enumeration of clock:{q} on {size}×{size} needs Q^N ≤ {MaxStates:N0} states and 2 ≤ L");
        foreach (double t in temperatures)
            if (!(t > 0) || double.IsInfinity(t)) throw new ArgumentOutOfRangeException(nameof(temperatures), t, "temperature must be positive and finite");
        return new Walk(model, size, temperatures).Run();
    }

    private sealed class Walk
    {
        private readonly int _q, _l, _n;
        private readonly double[] _cos, _sin, _beta;
        private readonly byte[] _states;
        // Per temperature: Z, Σw·e, Σw·e², Σw·m², Σw·|m|, Σw·m⁴, Σw·BondCos, Σw·BondSin2, Σw·vortex density.
        private readonly double[,] _sums;
        private readonly double[] _temperatures;

        public Walk(ClockModel model, int size, double[] temperatures)
        {
            _q = model.States;
            _l = size;
            _n = size * size;
            _cos = model.CosTable();
            _sin = model.SinTable();
            _temperatures = temperatures;
            _beta = temperatures.Select(t => 1 / t).ToArray();
            _states = new byte[_n];
            _sums = new double[temperatures.Length, 9];
        }

        public ClockEnumerationResult[] Run()
        {
            Place(0, 0, 0, 0, 0, 0, 0);
            var results = new ClockEnumerationResult[_temperatures.Length];
            for (int t = 0; t < results.Length; t++)
            {
                double z = _sums[t, 0], T = _temperatures[t];
                double Avg(int k) => _sums[t, k] / z;
                double e = Avg(1), e2 = Avg(2);
                // Weights were taken relative to the ground state H₀ = −2N.
                double lnZ = Math.Log(z) + 2.0 * _n / T;
                results[t] = new ClockEnumerationResult(_l, _q, T, lnZ, e, _n * (e2 - e * e) / (T * T), Avg(3), Avg(4), Avg(5),
                    Avg(6) - Avg(7) / T, Avg(8));
            }
            return results;
        }

        private int Diff(int a, int b)
        {
            int d = a - b;
            return d < 0 ? d + _q : d;
        }

        private void Place(int site, double mx, double my, double cx, double sx, double cy, double sy)
        {
            if (site == _n)
            {
                Leaf(mx, my, cx, sx, cy, sy);
                return;
            }
            int r = site / _l, c = site % _l;
            for (int k = 0; k < _q; k++)
            {
                _states[site] = (byte)k;
                double ax = cx, bx = sx, ay = cy, by = sy;
                // Bonds run from a site to its right and lower neighbour: cos and sin of θ_from − θ_to.
                if (c > 0) { int d = Diff(_states[site - 1], k); ax += _cos[d]; bx += _sin[d]; }
                if (c == _l - 1) { int d = Diff(k, _states[site - c]); ax += _cos[d]; bx += _sin[d]; }
                if (r > 0) { int d = Diff(_states[site - _l], k); ay += _cos[d]; by += _sin[d]; }
                if (r == _l - 1) { int d = Diff(k, _states[c]); ay += _cos[d]; by += _sin[d]; }
                Place(site + 1, mx + _cos[k], my + _sin[k], ax, bx, ay, by);
            }
        }

        private void Leaf(double mx, double my, double cx, double sx, double cy, double sy)
        {
            double n = _n;
            double e = -(cx + cy) / n;
            double m2 = (mx * mx + my * my) / (n * n);
            double am = Math.Sqrt(m2);
            double bondCos = (cx + cy) / (2 * n), bondSin2 = (sx * sx + sy * sy) / (2 * n);
            double v = AngleConfiguration.VortexDensity(_states, _q, _l);
            for (int t = 0; t < _beta.Length; t++)
            {
                double w = Math.Exp(-_beta[t] * (e + 2) * n);
                _sums[t, 0] += w;
                _sums[t, 1] += w * e;
                _sums[t, 2] += w * e * e;
                _sums[t, 3] += w * m2;
                _sums[t, 4] += w * am;
                _sums[t, 5] += w * m2 * m2;
                _sums[t, 6] += w * bondCos;
                _sums[t, 7] += w * bondSin2;
                _sums[t, 8] += w * v;
            }
        }
    }
}
