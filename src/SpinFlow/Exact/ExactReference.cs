namespace SpinFlow.Exact;

/// <summary>Whatever exact values are known for an L×L lattice at temperature T; null where none is.</summary>
public sealed record ExactReference(double? Energy, double? SpecificHeat, double? M2, double? AbsM, double? Susceptibility, double? Binder)
{
    /// <summary>
    /// Enumeration for L ≤ <see cref="IsingEnumeration.MaxSize"/> (every observable), the Kaufman solution
    /// for larger L (⟨e⟩ and c).
    /// </summary>
    public static ExactReference For(int size, double temperature)
    {
        if (size >= 2 && size <= IsingEnumeration.MaxSize)
        {
            var e = IsingEnumeration.Compute(size, temperature);
            return new ExactReference(e.Energy, e.SpecificHeat, e.M2, e.AbsM, e.Susceptibility, e.Binder);
        }
        var k = KaufmanSolution.Compute(size, temperature);
        return new ExactReference(k.Energy, k.SpecificHeat, null, null, null, null);
    }

    /// <summary>
    /// Exact ⟨e⟩ of <paramref name="model"/> on the L×L lattice at T where a finite-size solution exists for any L
    /// (Ising: Kaufman; clock:2 and clock:4: <see cref="ClockExact"/>); null otherwise (XY, other Q).
    /// </summary>
    public static double? EnergyOf(Lattice.SpinModel model, int size, double temperature) => model switch
    {
        Lattice.IsingModel => KaufmanSolution.Compute(size, temperature).Energy,
        _ when ClockExact.HasSolution(model) => ClockExact.Compute(model, size, temperature).Energy,
        _ => null,
    };
}
