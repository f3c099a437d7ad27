using System.Diagnostics;

namespace SpinFlow.MonteCarlo;

/// <summary>What a reference Monte Carlo run drives, whatever the spin model: sweeps and a count of spin updates.</summary>
public interface ISweepSampler
{
    /// <summary>
    /// Advances the chain by one sweep: N single-site attempts (Metropolis), one cluster decomposition of the whole
    /// lattice (Swendsen–Wang), or a fixed number of single clusters, calibrated during the first sweeps so that a sweep
    /// flips about N spins (Wolff; see <see cref="Wolff"/> for why "until N spins have flipped" would bias measurements).
    /// </summary>
    void Sweep();

    /// <summary>Spin updates done so far (attempts for Metropolis, sites visited or spins flipped for cluster algorithms): the unit of the speed figure.</summary>
    long SpinUpdates { get; }
}

/// <summary>The sweep loop of one reference chain, shared by every spin model: burn-in, timed sweeps, a measurement every k-th.</summary>
internal static class ChainSweeps
{
    /// <summary>Advances every chain by <paramref name="sweeps"/> sweeps, in parallel where a chain's sweeps are long enough to pay for the hand-off.</summary>
    public static void SweepEach(IReadOnlyList<ISweepSampler> chains, int sweeps, int sites, ParallelOptions parallel)
    {
        // Cluster sweeps on small lattices are too short to be worth a thread hand-off.
        if (chains.Count == 1 || sites < 1024 || parallel.MaxDegreeOfParallelism == 1)
        {
            foreach (var s in chains) for (int k = 0; k < sweeps; k++) s.Sweep();
            return;
        }
        Parallel.For(0, chains.Count, parallel, c =>
        {
            for (int k = 0; k < sweeps; k++) chains[c].Sweep();
        });
    }

    /// <summary>
    /// Runs <paramref name="thermalize"/> discarded sweeps, then the measured ones, calling <paramref name="measure"/> with the
    /// measurement index after every <see cref="McmcOptions.MeasureEvery"/>-th; returns spin updates per ns over the
    /// measured sweeps, counting only time inside the sweeps (not measuring or saving).
    /// </summary>
    public static double Run(ISweepSampler sampler, McmcOptions options, int thermalize, Action<int> measure,
        IProgress<double>? progress, CancellationToken cancellation)
    {
        long totalSweeps = (long)thermalize + options.Sweeps;
        long done = 0;
        long reportEvery = Math.Max(1, totalSweeps / 200);
        for (int s = 0; s < thermalize; s++)
        {
            sampler.Sweep();
            if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / totalSweeps); }
        }
        int n = options.Measurements;
        long updates0 = sampler.SpinUpdates;
        long sweepTicks = 0;
        int k = 0;
        for (int s = 1; s <= options.Sweeps; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sampler.Sweep();
            sweepTicks += Stopwatch.GetTimestamp() - t0;
            if (s % options.MeasureEvery == 0 && k < n) measure(k++);
            if (++done % reportEvery == 0) { cancellation.ThrowIfCancellationRequested(); progress?.Report((double)done / totalSweeps); }
        }
        double sweepNs = sweepTicks * (1e9 / Stopwatch.Frequency);
        return (sampler.SpinUpdates - updates0) / Math.Max(1.0, sweepNs);
    }
}
