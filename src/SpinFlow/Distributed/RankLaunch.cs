using System.Collections;
using System.Globalization;

namespace SpinFlow.Distributed;

/// <summary>
/// Which ranks this process belongs to, read from the launcher's environment: MPICH's hydra (mpirun/mpiexec: PMI_SIZE,
/// PMI_RANK) or SLURM's srun (SLURM_STEP_NUM_TASKS, SLURM_PROCID). Without a launcher, or with one rank, this process
/// runs alone and no MPI library is loaded.
/// </summary>
public static class RankLaunch
{
    /// <summary>Environment variable naming the MPI library to load first (e.g. a vendor's MPICH-ABI libmpi).</summary>
    public const string LibraryVariable = "SPINFLOW_MPI_LIBRARY";

    /// <summary>
    /// The ranks of this process: <see cref="SingleRank"/> without a launcher (or with one rank), otherwise MPI's world.
    /// Throws <see cref="InvalidOperationException"/> with a one-line message when a launcher asked for several ranks but
    /// no MPICH-ABI library can be loaded, or when the launcher is Open MPI's (another ABI).
    /// </summary>
    public static IRanks FromEnvironment() => FromEnvironment(Environment.GetEnvironmentVariables());

    /// <summary>As <see cref="FromEnvironment()"/> for the given variables (tests).</summary>
    public static IRanks FromEnvironment(IDictionary variables)
    {
        int? size = LaunchedSize(variables);
        if (size is null or <= 1) return new SingleRank();
        if (Value(variables, "OMPI_COMM_WORLD_SIZE") is not null)
            throw new InvalidOperationException($"started by Open MPI's mpirun with {size} ranks, but SpinFlow speaks the MPICH ABI (MPICH, Intel MPI, MVAPICH, Cray MPICH): launch it with MPICH's mpirun or srun --mpi=pmi2");
        var mpi = MpiLibrary.TryLoad(Value(variables, LibraryVariable), out string tried)
            ?? throw new InvalidOperationException($"started by an MPI launcher with {size} ranks, but no MPI library could be loaded (tried {tried}): install MPICH (apt-get install mpich) or set {LibraryVariable}");
        return MpiRanks.InitializeWorld(mpi);
    }

    /// <summary>Ranks the launcher started, when one did (null otherwise).</summary>
    public static int? LaunchedSize(IDictionary variables)
    {
        foreach (string name in new[] { "PMI_SIZE", "OMPI_COMM_WORLD_SIZE" })
            if (Integer(variables, name) is int n) return n;
        // SLURM_NTASKS is also set inside a batch script; only srun's job steps set SLURM_STEP_NUM_TASKS.
        if (Value(variables, "SLURM_PROCID") is not null && Integer(variables, "SLURM_STEP_NUM_TASKS") is int tasks) return tasks;
        return null;
    }

    /// <summary>Ranks the launcher started on this node (MPICH's MPI_LOCALNRANKS, SLURM's SLURM_NTASKS_PER_NODE); 1 without a launcher.</summary>
    public static int LocalRanks()
    {
        var variables = Environment.GetEnvironmentVariables();
        return Math.Max(1, Integer(variables, "MPI_LOCALNRANKS") ?? Integer(variables, "OMPI_COMM_WORLD_LOCAL_SIZE")
            ?? (Value(variables, "SLURM_PROCID") is not null ? Integer(variables, "SLURM_NTASKS_PER_NODE") : null) ?? 1);
    }

    private static string? Value(IDictionary variables, string name) => variables[name] as string is { Length: > 0 } v ? v : null;

    private static int? Integer(IDictionary variables, string name) =>
        int.TryParse(Value(variables, name), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
}
