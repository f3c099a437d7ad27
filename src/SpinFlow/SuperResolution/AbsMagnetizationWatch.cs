namespace SpinFlow.SuperResolution;

/// <summary>A window of training steps in which ⟨|m|⟩_ds departed from ⟨|m|⟩_in by more than the batch noise allows.</summary>
/// <param name="FirstStep">First step of the window.</param>
/// <param name="LastStep">Last step of the window.</param>
/// <param name="AbsMagnetizationIn">Window mean of ⟨|m|⟩_in.</param>
/// <param name="AbsMagnetizationBlocked">Window mean of ⟨|m|⟩_ds.</param>
/// <param name="Departure">Window mean of ⟨|m|⟩_ds − ⟨|m|⟩_in.</param>
/// <param name="StandardError">Standard error of <paramref name="Departure"/> from the step-to-step scatter.</param>
public readonly record struct AbsMagnetizationDeparture(long FirstStep, long LastStep, double AbsMagnetizationIn,
    double AbsMagnetizationBlocked, double Departure, double StandardError);

/// <summary>
/// Watches ⟨|m|⟩_ds against ⟨|m|⟩_in once γ is off, when nothing holds the flow to the data set's magnetisation and it can
/// collapse into one ordered phase (|m|_ds → 1) or the disordered one. Steps are taken in windows of <see cref="Window"/>;
/// each step's d = ⟨|m|⟩_ds − ⟨|m|⟩_in comes from a fresh batch, so the window mean d̄ has the standard error
/// σ_d/√W from the scatter of d over the window. A window departs when |d̄| &gt; <see cref="Threshold"/>·σ_d/√W and
/// |d̄| &gt; <see cref="MinDeparture"/> (a long run resolves differences too small to matter); the first departing window
/// of a run of them is reported, and the watch re-arms only after <see cref="QuietWindowsToRearm"/> windows in a row
/// are back within those bounds, so a run hovering at the threshold warns once, not every window.
/// </summary>
public sealed class AbsMagnetizationWatch
{
    private readonly List<FlowTrainingStep> _window = [];
    private bool _departing;
    private int _quiet;

    /// <summary>Smallest |⟨|m|⟩_ds − ⟨|m|⟩_in| reported, whatever its significance.</summary>
    public const double MinDeparture = 0.05;
    /// <summary>Quiet windows in a row after which a new departure is reported again.</summary>
    public const int QuietWindowsToRearm = 8;

    /// <summary>Steps per window (at least 2).</summary>
    public int Window { get; }
    /// <summary>Standard errors beyond which a window departs.</summary>
    public double Threshold { get; }

    /// <summary>A watch with windows of <paramref name="window"/> steps and a threshold of <paramref name="threshold"/> standard errors.</summary>
    public AbsMagnetizationWatch(int window = 25, double threshold = 5)
    {
        if (window < 2) throw new ArgumentOutOfRangeException(nameof(window), window, "a window needs at least 2 steps for a standard error");
        if (!(threshold > 0)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be positive");
        Window = window;
        Threshold = threshold;
    }

    /// <summary>Takes one step; returns the window it completes when that window is the first departing one of a run, else null.</summary>
    public AbsMagnetizationDeparture? Observe(FlowTrainingStep step)
    {
        // Only steps without γ and with an input configuration (the NNRG baseline has no ⟨|m|⟩_in).
        if (step.Gamma != 0 || !double.IsFinite(step.AbsMagnetizationIn) || !double.IsFinite(step.AbsMagnetizationBlocked)) return null;
        _window.Add(step);
        if (_window.Count < Window) return null;
        double inMean = 0, dsMean = 0;
        foreach (var s in _window)
        {
            inMean += s.AbsMagnetizationIn / Window;
            dsMean += s.AbsMagnetizationBlocked / Window;
        }
        double d = dsMean - inMean, sq = 0;
        foreach (var s in _window)
        {
            double e = s.AbsMagnetizationBlocked - s.AbsMagnetizationIn - d;
            sq += e * e;
        }
        double error = Math.Sqrt(sq / (Window - 1) / Window);
        var found = new AbsMagnetizationDeparture(_window[0].Step, _window[^1].Step, inMean, dsMean, d, error);
        _window.Clear();
        bool departs = Math.Abs(d) > Threshold * error && Math.Abs(d) > MinDeparture;
        bool report = departs && !_departing;
        if (departs)
        {
            _departing = true;
            _quiet = 0;
        }
        else if (_departing && ++_quiet >= QuietWindowsToRearm)
        {
            _departing = false;
        }
        return report ? found : null;
    }
}
