namespace SpinFlow.Statistics;

/// <summary>
/// Measurements of many independent chains, kept as one series per moment of chain averages: step t holds the mean over
/// chains of e, e², m², |m|, m⁴ (or their improved estimators) at step t, besides every chain's own values.
/// </summary>
/// <remarks>
/// Independent chains leave the autocorrelation of the chain average equal to that of one chain, so Sokal's τ_int
/// and the blocked jackknife of <see cref="IsingObservables.FromMoments"/> apply to the averaged series unchanged,
/// with τ in steps of one chain.
/// </remarks>
public sealed class ChainAverages
{
    private readonly int _sites, _chains;
    private readonly List<double> _e = [], _e2 = [], _m2 = [], _absM = [], _m4 = [];
    // Every chain's moments, step-major, for the convergence checks.
    private readonly List<double> _ce = [], _ce2 = [], _cm2 = [], _cabsM = [], _cm4 = [];
    private readonly List<double>? _chainM2, _chainEnergy;

    /// <summary>Series for <paramref name="chains"/> chains on a lattice of <paramref name="sites"/> sites.</summary>
    /// <param name="sites">Lattice sites N (for c and χ).</param>
    /// <param name="chains">Chains measured together.</param>
    /// <param name="chainM2">When given, every chain's m² is appended to it at each step (step-major).</param>
    /// <param name="chainEnergy">When given, every chain's e is appended to it at each step (step-major).</param>
    public ChainAverages(int sites, int chains, List<double>? chainM2 = null, List<double>? chainEnergy = null)
    {
        if (sites < 1) throw new ArgumentOutOfRangeException(nameof(sites), sites, "need at least one site");
        if (chains < 1) throw new ArgumentOutOfRangeException(nameof(chains), chains, "need at least one chain");
        _sites = sites;
        _chains = chains;
        _chainM2 = chainM2;
        _chainEnergy = chainEnergy;
    }

    /// <summary>Chains measured together.</summary>
    public int Chains => _chains;

    /// <summary>Steps recorded so far.</summary>
    public int Count => _e.Count;

    /// <summary>Records one step, chain c's moments at [c] of each span; returns the chain mean of m².</summary>
    public double Add(ReadOnlySpan<double> energy, ReadOnlySpan<double> energy2, ReadOnlySpan<double> m2, ReadOnlySpan<double> absM, ReadOnlySpan<double> m4)
    {
        if (energy.Length != _chains || energy2.Length != _chains || m2.Length != _chains || absM.Length != _chains || m4.Length != _chains)
            throw new ArgumentException($"every moment needs one value per chain ({_chains})");
        double e = 0, e2 = 0, sm2 = 0, sAbsM = 0, sm4 = 0;
        for (int c = 0; c < _chains; c++)
        {
            _ce.Add(energy[c]);
            _ce2.Add(energy2[c]);
            _cm2.Add(m2[c]);
            _cabsM.Add(absM[c]);
            _cm4.Add(m4[c]);
            e += energy[c];
            e2 += energy2[c];
            sm2 += m2[c];
            _chainM2?.Add(m2[c]);
            _chainEnergy?.Add(energy[c]);
            sAbsM += absM[c];
            sm4 += m4[c];
        }
        _e.Add(e / _chains);
        _e2.Add(e2 / _chains);
        _m2.Add(sm2 / _chains);
        _absM.Add(sAbsM / _chains);
        _m4.Add(sm4 / _chains);
        return sm2 / _chains;
    }

    /// <summary>Observables at <paramref name="temperature"/> from the chain-averaged series (errors from them alone).</summary>
    public IsingObservables Analyze(double temperature) =>
        IsingObservables.FromMoments(_e.ToArray(), _e2.ToArray(), _m2.ToArray(), _absM.ToArray(), _m4.ToArray(), _sites, temperature);

    /// <summary>
    /// <see cref="Analyze"/> checked against the per-chain series: errors raised to the between-chain error where that is
    /// larger, and the convergence report (split-R̂ over the chains, ESS, drift, Sokal's window).
    /// </summary>
    public (IsingObservables Observables, ConvergenceReport Report) Assess(double temperature) =>
        ConvergenceDiagnostics.Assess(Analyze(temperature), MomentChains.OfStepMajor(_ce, _ce2, _cm2, _cabsM, _cm4, _chains), _sites, temperature);

    /// <summary>τ_int of the chain-averaged e, in steps of one chain.</summary>
    public AutocorrelationTime TauEnergy => Autocorrelation.IntegratedTime(_e.ToArray());

    /// <summary>τ_int of the chain-averaged m², in steps of one chain.</summary>
    public AutocorrelationTime TauM2 => Autocorrelation.IntegratedTime(_m2.ToArray());
}
