using SpinFlow.Latent;
using SpinFlow.Relaxation;

namespace SpinFlow.Tests.Latent;

internal static class LatentTestUtil
{
    /// <summary>The latent of <paramref name="levels"/> super-resolution flows over a data set of L0×L0 configurations given in double precision.</summary>
    public static SuperResolutionLatent OverData(int inputSize, int levels, ReadOnlySpan<double> inputs, RelaxedIsing? model = null) =>
        new(new DataSetDistribution(inputs, inputSize, model), levels);
}
