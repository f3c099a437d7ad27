namespace SpinFlow.Cli;

/// <summary>Refuses runs that cannot fit in memory up front, with a line naming the option, instead of an OutOfMemoryException hours in.</summary>
public static class MemoryBudget
{
    // Peak managed memory per chain and latent site of latent HMC through a stack (z, momentum, gradients, the flow's
    // saved activations, spin-move buffers), measured with margin; see docs/BENCHMARKS.md.
    private const long BytesPerChainSite = 600;

    /// <summary>Bytes a sampler with <paramref name="chains"/> chains on the <paramref name="size"/>² lattice needs, with <paramref name="steps"/> per-chain measurements recorded.</summary>
    public static long ChainBytes(int size, long chains, long steps) =>
        chains * ((long)size * size * BytesPerChainSite + steps * 2 * sizeof(double));

    /// <summary>Throws a <see cref="UsageException"/> naming <paramref name="option"/> when <paramref name="bytes"/> exceeds the memory this process may use.</summary>
    public static void Check(string option, long bytes)
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (bytes > available)
            throw new UsageException($"{option} needs about {bytes >> 20} MiB, more than the {available >> 20} MiB available; use fewer");
    }
}
