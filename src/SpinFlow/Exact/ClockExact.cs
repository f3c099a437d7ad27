using SpinFlow.Lattice;

namespace SpinFlow.Exact;

/// <summary>Exact ln Z/N, ⟨e⟩ and c of a clock model on the periodic L×L lattice where they are known for any L.</summary>
/// <param name="LnZPerSite">ln Z / N.</param>
/// <param name="Energy">⟨e⟩.</param>
/// <param name="SpecificHeat">c.</param>
public sealed record ClockFiniteSize(double LnZPerSite, double Energy, double SpecificHeat);

/// <summary>
/// Exact results of clock:2 (the Ising model) and clock:4 (two decoupled Ising models at coupling J/2: with
/// s = ½(σ + τ, σ − τ), s_i·s_j = ½(σ_iσ_j + τ_iτ_j), so Z₄(T) = Z_Ising(2T)², ⟨e⟩₄(T) = ⟨e⟩_Ising(2T),
/// c₄(T) = 2c_Ising(2T) and ⟨m²⟩₄(T) = ⟨m²⟩_Ising(2T)) from the Kaufman solution or Ising enumeration.
/// </summary>
public static class ClockExact
{
    /// <summary>Whether the finite-size solution covers <paramref name="model"/> (clock:2 and clock:4).</summary>
    public static bool HasSolution(SpinModel model) => model is ClockModel { States: 2 or 4 };

    /// <summary>Exact ln Z/N, ⟨e⟩, c of clock:2 or clock:4 on the L×L lattice (L ≥ 2).</summary>
    public static ClockFiniteSize Compute(SpinModel model, int size, double temperature)
    {
        var k = model switch
        {
            ClockModel { States: 2 } => KaufmanSolution.Compute(size, temperature),
            ClockModel { States: 4 } => KaufmanSolution.Compute(size, 2 * temperature),
            _ => throw new ArgumentException($"no exact finite-size solution for --model {model.Name} (only clock:2 and clock:4)"),
        };
        return model is ClockModel { States: 2 }
            ? new ClockFiniteSize(k.LnZPerSite, k.Energy, k.SpecificHeat)
            : new ClockFiniteSize(2 * k.LnZPerSite, k.Energy, 2 * k.SpecificHeat);
    }

    /// <summary>
    /// Every exact value known for <paramref name="model"/> on the L×L lattice at T: clock:2 as Ising
    /// (<see cref="ExactReference.For"/>); clock:4 ⟨e⟩ and c, with ⟨m²⟩ and U₄ by Ising enumeration for
    /// L ≤ <see cref="IsingEnumeration.MaxSize"/> (m⁴ = ¼(m_σ² + m_τ²)², so ⟨m⁴⟩₄ = ½(⟨m⁴⟩ + ⟨m²⟩²) at 2T); any other
    /// clock model by enumeration where Q^N ≤ <paramref name="maxEnumerated"/>; nothing for XY.
    /// </summary>
    public static ExactReference Reference(SpinModel model, int size, double temperature, long maxEnumerated = 1_000_000)
    {
        switch (model)
        {
            case ClockModel { States: 2 }:
                return ExactReference.For(size, temperature);
            case ClockModel { States: 4 }:
            {
                var k = Compute(model, size, temperature);
                if (size > IsingEnumeration.MaxSize) return new ExactReference(k.Energy, k.SpecificHeat, null, null, null, null);
                var e = IsingEnumeration.Compute(size, 2 * temperature);
                double m4 = 0.5 * (e.M4 + e.M2 * e.M2);
                return new ExactReference(k.Energy, k.SpecificHeat, e.M2, null, null, 1 - m4 / (3 * e.M2 * e.M2));
            }
            case ClockModel c when ClockEnumeration.Feasible(c.States, size) && Math.Pow(c.States, size * size) <= maxEnumerated:
            {
                var r = ClockEnumeration.Compute(c, size, temperature)[0];
                return new ExactReference(r.Energy, r.SpecificHeat, r.M2, r.AbsM, r.Susceptibility, r.Binder);
            }
            default:
                return new ExactReference(null, null, null, null, null, null);
        }
    }
}
