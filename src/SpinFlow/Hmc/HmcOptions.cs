namespace SpinFlow.Hmc;

/// <summary>Settings of Hamiltonian Monte Carlo; validated by <see cref="Validate"/> (the sampler calls it).</summary>
public sealed record HmcOptions
{
    /// <summary>Leapfrog steps n per trajectory.</summary>
    public int LeapfrogSteps { get; init; } = 10;

    /// <summary>Step size ε: the starting value when <see cref="TuneStepSize"/> is on, otherwise fixed throughout.</summary>
    public double StepSize { get; init; } = 0.1;

    /// <summary>Tune ε by dual averaging during warm-up (never afterwards, so the measured chain keeps detailed balance).</summary>
    public bool TuneStepSize { get; init; } = true;

    /// <summary>Mean acceptance probability that warm-up tuning aims for.</summary>
    public double TargetAcceptance { get; init; } = 0.8;

    /// <summary>
    /// Relative jitter j: each trajectory uses ε·(1 + j·u), u uniform in [−1, 1], drawn independently of the
    /// state (so exactness is kept); it breaks resonances of fixed-length trajectories. 0 disables it.
    /// </summary>
    public double StepSizeJitter { get; init; }

    /// <summary>Threads for the sampler's own per-chain work (momenta, updates); ≤ 0 means one per core.</summary>
    public int MaxDegreeOfParallelism { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message for invalid settings.</summary>
    public void Validate()
    {
        if (LeapfrogSteps < 1) throw new ArgumentOutOfRangeException(nameof(LeapfrogSteps), LeapfrogSteps, "HMC needs at least 1 leapfrog step");
        if (!(StepSize > 0) || double.IsInfinity(StepSize)) throw new ArgumentOutOfRangeException(nameof(StepSize), StepSize, "HMC step size must be positive and finite");
        if (!(TargetAcceptance > 0 && TargetAcceptance < 1))
            throw new ArgumentOutOfRangeException(nameof(TargetAcceptance), TargetAcceptance, "HMC target acceptance must lie strictly between 0 and 1");
        if (!(StepSizeJitter >= 0 && StepSizeJitter < 1))
            throw new ArgumentOutOfRangeException(nameof(StepSizeJitter), StepSizeJitter, "HMC step-size jitter must lie in [0, 1)");
    }
}
