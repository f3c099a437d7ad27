using SpinFlow.Relaxation;

namespace SpinFlow.Training;

/// <summary>
/// The relaxed clock:Q or XY energy E_x(x) = ½ Σ_a x_aᵀK'⁻¹x_a − Σ ln w(x_i) (DESIGN.md §11) as a flows' training target:
/// two channels per site, (x_i1, x_i2) site by site.
/// </summary>
public sealed class RelaxedAngleEnergy : ILatticeEnergy
{
    /// <summary>The underlying model (FFT-based energy and gradient).</summary>
    public RelaxedAngleModel Model { get; }

    /// <summary>Wraps <paramref name="model"/>.</summary>
    public RelaxedAngleEnergy(RelaxedAngleModel model) => Model = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public int Size => Model.Size;

    /// <inheritdoc/>
    public int Channels => 2;

    /// <inheritdoc/>
    public void EnergyAndGradient(ReadOnlySpan<float> x, Span<double> energy, Span<float> gradient)
    {
        int n = Model.Dimension;
        if (x.Length == 0 || x.Length % n != 0) throw new ArgumentException($"x length {x.Length} is not a multiple of 2L² = {n}", nameof(x));
        Model.EnergyAndGradient(x, energy[..(x.Length / n)], gradient);
    }
}
