using SpinFlow.Flows;
using SpinFlow.Randomness;

namespace SpinFlow.SuperResolution;

/// <summary>
/// Configurations x = F(z) produced by a trained flow (or <see cref="FlowStack"/>) from its latent z ~ p_z: the input of
/// transfer learning, where Flow_2L trains on what Flow_L generates (paper §III D, DESIGN.md §9). The density of x is
/// exact, q(x) = p_z(z) / |det ∂F/∂z|, so H(x) = H(z) + E[ln|det ∂F/∂z|].
/// </summary>
public sealed class GeneratedConfigurations : IConfigurationSource
{
    private float[] _z = [];
    private double[] _logDet = [];
    private int _lastBatch;

    /// <summary>The generating flow.</summary>
    public ILatticeFlow Flow { get; }

    /// <summary>Its latent distribution.</summary>
    public IConfigurationSource Latent { get; }

    /// <inheritdoc/>
    public int Size => Flow.Size;

    /// <summary>H(x), when the caller has estimated it (see <see cref="EstimateEntropy"/>); null otherwise.</summary>
    public double? Entropy { get; init; }

    /// <summary>ln|det ∂x/∂z| of each sample of the last <see cref="Draw"/>.</summary>
    public ReadOnlySpan<double> LastLogDet => _logDet.AsSpan(0, _lastBatch);

    /// <summary>x = <paramref name="flow"/>(z) with z drawn from <paramref name="latent"/> (same lattice size).</summary>
    public GeneratedConfigurations(ILatticeFlow flow, IConfigurationSource latent)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(latent);
        if (flow.Size != latent.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} lattices, its latent source draws {latent.Size}×{latent.Size}", nameof(latent));
        Flow = flow;
        Latent = latent;
    }

    /// <summary>Draws z from <see cref="Latent"/> with <paramref name="rng"/> and generates x = F(z) into <paramref name="configurations"/>.</summary>
    public void Draw(Xoshiro256 rng, Span<float> configurations)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int n = Size * Size;
        if (configurations.Length % n != 0) throw new ArgumentException($"length {configurations.Length} is not a multiple of S² = {n}", nameof(configurations));
        int batch = configurations.Length / n;
        if (_z.Length != batch * n)
        {
            _z = new float[batch * n];
            _logDet = new double[batch];
        }
        Latent.Draw(rng, _z);
        Flow.Generate(_z, configurations, _logDet);
        _lastBatch = batch;
    }

    /// <summary>
    /// H(x) = H(z) + E[ln|det ∂x/∂z|] from <paramref name="batches"/> batches of <paramref name="batch"/> draws on streams
    /// (<paramref name="seed"/>, 0…): the estimate and the standard error of the log-det mean. Needs <see cref="Latent"/>'s entropy.
    /// </summary>
    public (double Entropy, double StandardError) EstimateEntropy(ulong seed, int batches = 4, int batch = 64)
    {
        if (Latent.Entropy is not double h) throw new InvalidOperationException("the latent's entropy is unknown");
        if (batches < 1 || batch < 1 || (long)batches * batch < 2) throw new ArgumentOutOfRangeException(nameof(batches), "need at least two samples");
        var x = new float[batch * Size * Size];
        double sum = 0, sumSq = 0;
        for (int k = 0; k < batches; k++)
        {
            Draw(Xoshiro256.ForStream(seed, (ulong)k), x);
            foreach (double d in LastLogDet)
            {
                sum += d;
                sumSq += d * d;
            }
        }
        long m = (long)batches * batch;
        double mean = sum / m;
        double variance = Math.Max(0, (sumSq - m * mean * mean) / (m - 1));
        return (h + mean, Math.Sqrt(variance / m));
    }
}
