namespace SpinFlow.Statistics;

/// <summary>
/// Thermal averages of a clock or XY model: the six of <see cref="IsingObservables"/> with m the vector magnetisation
/// (⟨m²⟩ = ⟨|Σ s_i|²⟩/N², ⟨|m|⟩, χ = N(⟨m²⟩ − ⟨|m|⟩²)/T, U₄ = 1 − ⟨m⁴⟩/(3⟨m²⟩²), the Ising form, so that clock:2
/// reproduces Ising), the helicity modulus Υ and the vortex density; each with error bar and τ_int (in measurements).
/// </summary>
/// <param name="Base">⟨e⟩, c, ⟨m²⟩, ⟨|m|⟩, χ, U₄ analysed exactly as for Ising (Sokal τ_int, blocked jackknife).</param>
/// <param name="Helicity">Υ = (1/N)[⟨Σ cos(θ_i − θ_j)⟩ − ⟨(Σ sin(θ_i − θ_j))²⟩/T], mean of the x and y bonds.</param>
/// <param name="VortexDensity">⟨(vortices + antivortices)/N⟩.</param>
public sealed record AngleObservables(IsingObservables Base, Estimate Helicity, Estimate VortexDensity)
{
    /// <summary>
    /// Analyses per-measurement series of e, |m| (vector length), the per-configuration helicity BondCos − BondSin2/T
    /// and the vortex density. Υ is linear in the two means behind it, so it is the plain mean of its per-configuration value.
    /// </summary>
    public static AngleObservables Analyze(ReadOnlySpan<double> energy, ReadOnlySpan<double> absM, ReadOnlySpan<double> helicity,
        ReadOnlySpan<double> vortexDensity, int sites, double temperature)
    {
        if (helicity.Length != energy.Length || vortexDensity.Length != energy.Length)
            throw new ArgumentException("observable series differ in length");
        return new AngleObservables(IsingObservables.Analyze(energy, absM, sites, temperature),
            TimeSeries.Analyze(helicity), TimeSeries.Analyze(vortexDensity));
    }

    /// <summary>The same observables with every τ multiplied by <paramref name="factor"/> (measurements → sweeps).</summary>
    public AngleObservables ScaleTau(double factor)
    {
        Estimate S(Estimate e) => e with { Tau = e.Tau * factor };
        var b = Base;
        return new AngleObservables(new IsingObservables(S(b.Energy), S(b.SpecificHeat), S(b.M2), S(b.AbsM), S(b.Susceptibility), S(b.Binder)),
            S(Helicity), S(VortexDensity));
    }
}
