namespace SpinFlow.MonteCarlo;

// Placeholder until the samplers branch lands; replaced wholesale by the real factory.
public static class SpinSamplers
{
    public static ISpinSampler Create(SpinAlgorithm algorithm, int size, double temperature, ulong seed) => throw new NotImplementedException();
    public static SpinAlgorithm Parse(string name) => throw new NotImplementedException();
    public static string Name(SpinAlgorithm a) => a switch { SpinAlgorithm.Metropolis => "metropolis", SpinAlgorithm.SwendsenWang => "sw", _ => "wolff" };
}
