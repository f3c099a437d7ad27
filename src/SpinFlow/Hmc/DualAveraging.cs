namespace SpinFlow.Hmc;

/// <summary>
/// Nesterov dual averaging of ln ε toward a target acceptance probability (Hoffman &amp; Gelman 2014, §3.2),
/// with their constants γ = 0.05, t₀ = 10, κ = 0.75 and μ = ln(10 ε₀).
/// </summary>
public sealed class DualAveraging
{
    private const double Gamma = 0.05, T0 = 10, Kappa = 0.75;
    private readonly double _mu;
    private readonly double _target;
    private double _hBar;
    private double _logAveraged;
    private int _t;

    /// <summary>Starts from step size <paramref name="initialStepSize"/>, aiming at acceptance <paramref name="target"/>.</summary>
    public DualAveraging(double initialStepSize, double target)
    {
        if (!(initialStepSize > 0)) throw new ArgumentOutOfRangeException(nameof(initialStepSize), initialStepSize, "step size must be positive");
        if (!(target > 0 && target < 1)) throw new ArgumentOutOfRangeException(nameof(target), target, "target acceptance must lie in (0, 1)");
        _mu = Math.Log(10 * initialStepSize);
        _target = target;
        Current = initialStepSize;
        _logAveraged = Math.Log(initialStepSize);
    }

    /// <summary>Step size to use for the next trajectory during adaptation.</summary>
    public double Current { get; private set; }

    /// <summary>The averaged step size, the one to freeze after warm-up.</summary>
    public double Averaged => Math.Exp(_logAveraged);

    /// <summary>Feeds the acceptance probability of the last trajectory (mean over chains; NaN counts as 0).</summary>
    public void Update(double acceptance)
    {
        if (double.IsNaN(acceptance)) acceptance = 0;
        acceptance = Math.Clamp(acceptance, 0, 1);
        _t++;
        double w = 1.0 / (_t + T0);
        _hBar = (1 - w) * _hBar + w * (_target - acceptance);
        double logEps = _mu - Math.Sqrt(_t) / Gamma * _hBar;
        double eta = Math.Pow(_t, -Kappa);
        _logAveraged = eta * logEps + (1 - eta) * _logAveraged;
        Current = Math.Exp(logEps);
    }
}
