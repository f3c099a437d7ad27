namespace SpinFlow.MonteCarlo;

/// <summary>
/// What a Wolff "sweep" is: during the first <see cref="Sweeps"/> sweeps clusters are built until N spins have flipped,
/// then every sweep builds a fixed number ⌈N / mean cluster size⌉ of clusters (mean over the calibration's second
/// half). Stopping "when N spins have flipped" would bias measurements, since the stopping time depends on the sizes
/// drawn; a fixed count keeps the chain homogeneous, and the calibration sweeps belong to the burn-in.
/// </summary>
public sealed class ClusterCalibration
{
    /// <summary>Sweeps that end after N flipped spins before the cluster count per sweep is fixed.</summary>
    public const int Sweeps = 64;

    private readonly int _sites;
    private int _calibrationSweeps;
    private long _clusters;
    private long _spins;

    /// <summary>Calibration for a lattice of <paramref name="sites"/> = N sites.</summary>
    public ClusterCalibration(int sites) => _sites = sites;

    /// <summary>Clusters built per sweep once calibrated (0 while calibrating).</summary>
    public int ClustersPerSweep { get; private set; }

    /// <summary>Runs one sweep of <paramref name="flipCluster"/> (which returns the size of the cluster it flipped).</summary>
    public void Sweep(Func<int> flipCluster)
    {
        if (ClustersPerSweep > 0)
        {
            for (int k = 0; k < ClustersPerSweep; k++) flipCluster();
            return;
        }
        long flipped = 0;
        int clusters = 0;
        while (flipped < _sites)
        {
            flipped += flipCluster();
            clusters++;
        }
        _calibrationSweeps++;
        // Only the second half counts: from a random start the clusters grow while the chain equilibrates.
        if (_calibrationSweeps > Sweeps / 2)
        {
            _clusters += clusters;
            _spins += flipped;
        }
        if (_calibrationSweeps == Sweeps)
            ClustersPerSweep = (int)Math.Max(1, Math.Ceiling(_sites * (double)_clusters / _spins));
    }
}
