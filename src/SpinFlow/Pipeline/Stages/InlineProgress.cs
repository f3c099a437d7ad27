namespace SpinFlow.Pipeline.Stages;

/// <summary>Adapts a callback to <see cref="IProgress{T}"/> without the synchronisation-context hop of <see cref="Progress{T}"/>.</summary>
internal sealed class InlineProgress(Action<double> report) : IProgress<double>
{
    public void Report(double value) => report(value);
}
