using SpinFlow.Randomness;
using SpinFlow.Relaxation;
using SpinFlow.Statistics;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Improved-estimator measurements of many independent chains on the generated lattice, kept as one series per
/// moment of chain averages: step t holds the mean over chains of E[e | x], E[e² | x], … at step t.
/// </summary>
/// <remarks>
/// Independent chains leave the autocorrelation of the chain average equal to that of one chain, so Sokal's τ_int
/// and the blocked jackknife of <see cref="IsingObservables.FromMoments"/> apply to the averaged series unchanged,
/// with τ in steps of one chain.
/// </remarks>
internal sealed class ChainAverages
{
    private readonly int _size, _chains;
    private readonly double[] _x, _scratch;
    private readonly Xoshiro256[] _rngs;
    private readonly List<double> _e = [], _e2 = [], _m2 = [], _absM = [], _m4 = [];
    // Every chain's moments, step-major, for the convergence checks.
    private readonly List<double> _ce = [], _ce2 = [], _cm2 = [], _cabsM = [], _cm4 = [];
    private readonly List<double>? _chainM2, _chainEnergy;

    /// <param name="size">Lattice side.</param>
    /// <param name="chains">Chains measured together.</param>
    /// <param name="seed">Seed of the |m| spin draws.</param>
    /// <param name="chainM2">When given, every chain's E[m² | x] is appended to it at each step (step-major).</param>
    /// <param name="chainEnergy">When given, every chain's E[e | x] is appended to it at each step (step-major).</param>
    public ChainAverages(int size, int chains, ulong seed, List<double>? chainM2 = null, List<double>? chainEnergy = null)
    {
        _chainM2 = chainM2;
        _chainEnergy = chainEnergy;
        _size = size;
        _chains = chains;
        _x = new double[size * size];
        _scratch = new double[size * size];
        _rngs = Enumerable.Range(0, chains).Select(c => Xoshiro256.ForStream(seed, (ulong)c)).ToArray();
    }

    public int Count => _e.Count;

    /// <summary>Measures every chain's configuration (chains × L², float32) and returns the chain mean of E[m² | x].</summary>
    public double Add(ReadOnlySpan<float> x)
    {
        int n = _size * _size;
        double e = 0, e2 = 0, m2 = 0, absM = 0, m4 = 0;
        for (int c = 0; c < _chains; c++)
        {
            System.Numerics.Tensors.TensorPrimitives.ConvertTruncating<float, double>(x.Slice(c * n, n), _x);
            var r = ImprovedEstimators.Measure(_x, _size, _scratch, _rngs[c]);
            _ce.Add(r.Energy);
            _ce2.Add(r.Energy2);
            _cm2.Add(r.M2);
            _cabsM.Add(r.AbsM);
            _cm4.Add(r.M4);
            e += r.Energy;
            e2 += r.Energy2;
            m2 += r.M2;
            _chainM2?.Add(r.M2);
            _chainEnergy?.Add(r.Energy);
            absM += r.AbsM;
            m4 += r.M4;
        }
        _e.Add(e / _chains);
        _e2.Add(e2 / _chains);
        _m2.Add(m2 / _chains);
        _absM.Add(absM / _chains);
        _m4.Add(m4 / _chains);
        return m2 / _chains;
    }

    public IsingObservables Analyze(double temperature) =>
        IsingObservables.FromMoments(_e.ToArray(), _e2.ToArray(), _m2.ToArray(), _absM.ToArray(), _m4.ToArray(), _size * _size, temperature);

    /// <summary>
    /// <see cref="Analyze"/> checked against the per-chain series: errors raised to the between-chain error where that is
    /// larger, and the convergence report (split-R̂ over the chains, ESS, drift, Sokal's window).
    /// </summary>
    public (IsingObservables Observables, ConvergenceReport Report) Assess(double temperature) =>
        ConvergenceDiagnostics.Assess(Analyze(temperature), MomentChains.OfStepMajor(_ce, _ce2, _cm2, _cabsM, _cm4, _chains), _size * _size, temperature);

    public AutocorrelationTime TauEnergy => Autocorrelation.IntegratedTime(_e.ToArray());

    public AutocorrelationTime TauM2 => Autocorrelation.IntegratedTime(_m2.ToArray());
}
