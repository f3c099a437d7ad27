using SpinFlow.Flows;
using SpinFlow.Randomness;

namespace SpinFlow.Latent;

/// <summary>
/// Configurations x = F(z) produced by a trained flow (or <see cref="FlowStack"/>) from its latent z ~ p_z: the input of
/// transfer learning, where Flow_2L trains on what Flow_L generates (paper §III D, DESIGN.md §9). The density of x is
/// exact, q(x) = p_z(z) / |det ∂F/∂z|, so H(x) = H(z) + E[ln|det ∂F/∂z|] (<see cref="EstimateEntropy"/>); ln q(x) itself
/// would need F⁻¹, so <see cref="LatticeDistribution.HasDensity"/> is false.
/// </summary>
public sealed class GeneratedDistribution : LatticeDistribution
{
    private float[] _z = [];
    private double[] _logDet = [];

    /// <summary>The generating flow.</summary>
    public ILatticeFlow Flow { get; }

    /// <summary>Its latent distribution.</summary>
    public LatticeDistribution Latent { get; }

    /// <summary>x = <paramref name="flow"/>(z) with z drawn from <paramref name="latent"/> (same lattice size).</summary>
    public GeneratedDistribution(ILatticeFlow flow, LatticeDistribution latent) : base(CheckedSize(flow, latent), flow.Channels)
    {
        Flow = flow;
        Latent = latent;
    }

    private static int CheckedSize(ILatticeFlow flow, LatticeDistribution latent)
    {
        ArgumentNullException.ThrowIfNull(flow);
        ArgumentNullException.ThrowIfNull(latent);
        if (flow.Size != latent.Size)
            throw new ArgumentException($"the flow acts on {flow.Size}×{flow.Size} lattices, its latent draws {latent.Size}×{latent.Size}", nameof(latent));
        if (flow.Channels != latent.Channels)
            throw new ArgumentException($"the flow has {flow.Channels} values per site, its latent {latent.Channels}", nameof(latent));
        return flow.Size;
    }

    /// <summary>Draws z from <see cref="Latent"/> with <paramref name="rng"/> and generates x = F(z) into <paramref name="batch"/>.</summary>
    public override void Draw(Xoshiro256 rng, Span<float> batch) => DrawWithLogDet(rng, batch);

    // Returns ln|det ∂x/∂z| of each sample (a view of a scratch buffer, valid until the next draw).
    private ReadOnlySpan<double> DrawWithLogDet(Xoshiro256 rng, Span<float> batch)
    {
        ArgumentNullException.ThrowIfNull(rng);
        int samples = BatchOf(batch.Length);
        if (_z.Length != batch.Length)
        {
            _z = new float[batch.Length];
            _logDet = new double[samples];
        }
        Latent.Draw(rng, _z);
        Flow.Generate(_z, batch, _logDet);
        return _logDet;
    }

    /// <summary>
    /// H(x) = H(z) + E[ln|det ∂x/∂z|] from <paramref name="batches"/> batches of <paramref name="batch"/> draws on streams
    /// (<paramref name="seed"/>, 0…): the estimate and the standard error of the log-det mean. Needs <see cref="Latent"/>'s entropy.
    /// </summary>
    public (double Entropy, double StandardError) EstimateEntropy(ulong seed, int batches = 4, int batch = 64)
    {
        if (Latent.Entropy is not double h) throw new InvalidOperationException("the latent's entropy is unknown");
        if (batches < 1 || batch < 1 || (long)batches * batch < 2) throw new ArgumentOutOfRangeException(nameof(batches), "need at least two samples");
        var x = new float[batch * Values];
        double sum = 0, sumSq = 0;
        for (int k = 0; k < batches; k++)
            foreach (double d in DrawWithLogDet(Xoshiro256.ForStream(seed, (ulong)k), x))
            {
                sum += d;
                sumSq += d * d;
            }
        long m = (long)batches * batch;
        double mean = sum / m;
        double variance = Math.Max(0, (sumSq - m * mean * mean) / (m - 1));
        return (h + mean, Math.Sqrt(variance / m));
    }
}
