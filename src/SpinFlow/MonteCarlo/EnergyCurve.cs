using SpinFlow.Exact;
using SpinFlow.Lattice;

namespace SpinFlow.MonteCarlo;

/// <summary>T with e(T) = a given energy per site, and where its error comes from.</summary>
/// <param name="Temperature">T; NaN when the energy lies outside the invertible range.</param>
/// <param name="Error">Total error of T: the energy's error through the slope, and the curve's own error, in quadrature.</param>
/// <param name="CurveError">The part of <paramref name="Error"/> that comes from the curve's own errors (0 for an exact curve).</param>
/// <param name="Slope">de/dT at T (the specific heat per site c).</param>
public readonly record struct CurveInversion(double Temperature, double Error, double CurveError, double Slope)
{
    /// <summary>The inversion of an energy outside the curve's range.</summary>
    public static CurveInversion None => new(double.NaN, double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// The mean energy per site e(T) of one spin model on one lattice size, invertible: what temperature rescaling matches a
/// blocked energy against. Exact where a finite-size solution exists (<see cref="Exact"/>), else measured
/// (<see cref="MonteCarloEnergyCurve"/>).
/// </summary>
public abstract class EnergyCurve
{
    /// <summary>The spin model.</summary>
    public abstract SpinModel Model { get; }

    /// <summary>Linear lattice size L.</summary>
    public abstract int Size { get; }

    /// <summary>T with e(T) = <paramref name="energy"/>, its error from <paramref name="energyError"/> and from the curve, and the slope there.</summary>
    public abstract CurveInversion Invert(double energy, double energyError);

    /// <summary>Whether <see cref="Exact"/> covers <paramref name="model"/>: Ising, clock:2 and clock:4.</summary>
    public static bool HasExact(SpinModel model) => model is IsingModel || ClockExact.HasSolution(model);

    /// <summary>The exact curve of <paramref name="model"/> (Ising, clock:2, clock:4) on the L×L lattice, from Kaufman's solution.</summary>
    public static EnergyCurve Exact(SpinModel model, int size)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!HasExact(model))
            throw new ArgumentException($"no exact energy curve for --model {model.Name} (only ising, clock:2, clock:4): use a Monte Carlo curve");
        if (size < 2) throw new ArgumentOutOfRangeException(nameof(size), size, "the lattice size must be at least 2");
        return new ExactEnergyCurve(model, size);
    }
}

/// <summary>
/// The exact e(T) of the Ising model (Kaufman), of clock:2 (the same) and of clock:4 (e₄(T) = e_Ising(2T), c₄(T) = 2c_Ising(2T)),
/// inverted by <see cref="KaufmanSolution.TemperatureAtEnergy"/>; the error is σ_e / c.
/// </summary>
internal sealed class ExactEnergyCurve(SpinModel model, int size) : EnergyCurve
{
    // T of clock:4 is half that of the Ising model at the same energy.
    private readonly double _scale = model is ClockModel { States: 4 } ? 0.5 : 1;

    public override SpinModel Model { get; } = model;

    public override int Size { get; } = size;

    public override CurveInversion Invert(double energy, double energyError)
    {
        if (!(energy > -2 && energy < 0)) return CurveInversion.None;
        double t;
        try
        {
            t = KaufmanSolution.TemperatureAtEnergy(Size, energy);
        }
        catch (ArgumentOutOfRangeException)
        {
            // Only reachable for energies a hair from the ground state or from zero, i.e. far outside any useful grid.
            return CurveInversion.None;
        }
        // de/dT of clock:4 at T = t/2 is 2 c_Ising(t); the Ising arithmetic is kept as it was (no factor applied).
        double c = KaufmanSolution.Compute(Size, t).SpecificHeat;
        if (_scale != 1)
        {
            t *= _scale;
            c /= _scale;
        }
        return new CurveInversion(t, energyError / c, 0, c);
    }
}
