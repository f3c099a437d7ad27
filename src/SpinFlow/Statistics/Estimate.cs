namespace SpinFlow.Statistics;

/// <summary>A Monte Carlo average: mean ± one-standard-deviation error, and the integrated autocorrelation time (in measurements) behind the error.</summary>
public readonly record struct Estimate(double Mean, double Error, double Tau)
{
    /// <summary>Deviation from a reference value in units of the error bar (combined in quadrature with <paramref name="referenceError"/>).</summary>
    public double DeviationSigma(double reference, double referenceError = 0)
    {
        double s = Math.Sqrt(Error * Error + referenceError * referenceError);
        return s > 0 ? (Mean - reference) / s : (Mean == reference ? 0 : double.PositiveInfinity);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Mean:G8} ± {Error:G3} (τ = {Tau:G3})";
}
