using SpinFlow.Relaxation;

namespace SpinFlow.Training;

/// <summary>The relaxed Ising energy E_x(x) = ½xᵀK'⁻¹x − Σ ln cosh xᵢ (DESIGN.md §3) as the flows' training target.</summary>
public sealed class RelaxedIsingEnergy : ILatticeEnergy
{
    /// <summary>The underlying model (FFT-based energy and gradient).</summary>
    public RelaxedIsing Model { get; }

    /// <summary>Wraps <paramref name="model"/>.</summary>
    public RelaxedIsingEnergy(RelaxedIsing model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The relaxed model on the L×L lattice at temperature T with the default shift.</summary>
    public RelaxedIsingEnergy(int size, double temperature) : this(new RelaxedIsing(size, temperature)) { }

    /// <inheritdoc/>
    public int Size => Model.Size;

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient)
    {
        int n = Size * Size;
        if (x.Length == 0 || x.Length % n != 0) throw new ArgumentException($"x length {x.Length} is not a multiple of L² = {n}", nameof(x));
        Model.EnergyAndGradient(x, energy[..(x.Length / n)], gradient);
    }
}
