using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>
/// The clock and XY <see cref="ChainMeasurement"/>: improved e and m² (<see cref="RelaxedAngleEstimators"/>), and from one
/// spin draw s | x per chain and step e², |m|, m⁴, the helicity Υ and the vortex density (unbiased: the draw is exact).
/// </summary>
internal sealed class AngleChainMeasurement : ChainMeasurement
{
    private readonly RelaxedAngleModel _model;
    private readonly int _chains;
    private readonly double[] _x, _scratch;
    private readonly double[] _e, _e2, _m2, _absM, _m4;
    private readonly Xoshiro256[] _rngs;
    // Every chain's Υ and vortex density, step-major.
    private readonly List<double> _helicity = [], _vortices = [];

    /// <summary>Chains of <paramref name="model"/>'s configurations; <paramref name="seed"/> seeds the spin draws.</summary>
    public AngleChainMeasurement(RelaxedAngleModel model, int chains, ulong seed, List<double>? chainM2 = null, List<double>? chainEnergy = null)
        : base(model.Sites, chains, chainM2, chainEnergy)
    {
        _model = model;
        _chains = chains;
        _x = new double[model.Dimension];
        _scratch = new double[3 * model.Sites];
        (_e, _e2, _m2, _absM, _m4) = (new double[chains], new double[chains], new double[chains], new double[chains], new double[chains]);
        _rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(seed, (ulong)c)).ToArray();
    }

    /// <inheritdoc/>
    public override double Add(ReadOnlySpan<float> x)
    {
        int n = _model.Dimension;
        for (int c = 0; c < _chains; c++)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(x.Slice(c * n, n), _x);
            var r = RelaxedAngleEstimators.Measure(_model, _x, _scratch, _rngs[c], out var drawn);
            (_e[c], _e2[c], _m2[c], _absM[c], _m4[c]) = (r.Energy, r.Energy2, r.M2, r.AbsM, r.M4);
            _helicity.Add(drawn.Helicity(_model.Temperature));
            _vortices.Add(drawn.VortexDensity);
        }
        return Averages.Add(_e, _e2, _m2, _absM, _m4);
    }

    /// <inheritdoc/>
    public override (IsingObservables Observables, ConvergenceReport Report, AngleObservables? Angle) Assess(double temperature)
    {
        var (observables, report) = Averages.Assess(temperature);
        // Υ and the vortex density are what the XY runs are about: chains that disagree on them are not converged either.
        report = report.WithWarnings(ConvergenceDiagnostics.Checks("Υ", ConvergenceDiagnostics.ChainsOf(_helicity, _chains))
            .Concat(ConvergenceDiagnostics.Checks("vortex density", ConvergenceDiagnostics.ChainsOf(_vortices, _chains))));
        return (observables, report, new AngleObservables(observables, Plain(_helicity), Plain(_vortices)));
    }

    // Sokal's error of the chain-averaged series, raised to the between-chain error where that is larger (as for ⟨e⟩).
    private Estimate Plain(List<double> trace)
    {
        var chains = ConvergenceDiagnostics.ChainsOf(trace, _chains);
        var estimate = TimeSeries.Analyze(ConvergenceDiagnostics.ChainAverage(chains));
        double between = ConvergenceDiagnostics.BetweenChainError(chains);
        return between > estimate.Error ? estimate with { Error = between } : estimate;
    }
}
