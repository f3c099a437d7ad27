namespace SpinFlow.Training;

/// <summary>
/// A term added to the reverse-KL loss that depends on the generated batch x alone (e.g. the γ magnetisation matching of
/// super-resolution training). <see cref="ReverseKlTrainer"/> adds its value to the loss and its gradient with respect to
/// x to the energy's, so the term reaches the parameters through the same reverse pass.
/// </summary>
public interface ILossPenalty
{
    /// <summary>Short name for messages (e.g. "γ-term").</summary>
    string Name { get; }

    /// <summary>
    /// The term for the batch <paramref name="x"/> (batch × L²); writes its gradient ∂term/∂x into <paramref name="gradient"/>
    /// (same length, overwritten). The term is a batch quantity: any 1/batch belongs in the gradient already.
    /// </summary>
    double Evaluate(ReadOnlySpan<float> x, Span<double> gradient);
}
