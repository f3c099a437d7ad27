namespace SpinFlow.Flows;

/// <summary>Builder of the NNRG baseline: a MERA flow on an L×L lattice with an N(0, I) prior on every latent site.</summary>
public static class NnrgFlow
{
    /// <summary>An NNRG flow on the L×L lattice with freshly initialised parameters (<see cref="NnrgFlowOptions.Default"/> when null).</summary>
    public static Flow Create(int size, ulong seed, NnrgFlowOptions? options = null) =>
        Flow.Create(options ?? NnrgFlowOptions.Default, size, seed);

    /// <summary>ln N(z; 0, I) per sample of a batch of L×L latents of C channels (the prior of the NNRG flow), accumulated in double.</summary>
    public static void PriorLogDensity(ReadOnlySpan<float> z, int size, Span<double> logDensity, int channels = 1)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be at least 1");
        int n = size * size * channels;
        if (n == 0 || z.Length % n != 0) throw new ArgumentException($"z length {z.Length} is not a multiple of {(channels == 1 ? "L²" : "L²·C")} = {n}", nameof(z));
        int batch = z.Length / n;
        if (logDensity.Length < batch) throw new ArgumentException($"logDensity needs {batch} entries", nameof(logDensity));
        double constant = -0.5 * n * Math.Log(2 * Math.PI);
        for (int b = 0; b < batch; b++)
        {
            double s = 0;
            foreach (float v in z.Slice(b * n, n)) s += (double)v * v;
            logDensity[b] = constant - 0.5 * s;
        }
    }
}
