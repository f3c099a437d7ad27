using System.Runtime.InteropServices;

namespace SpinFlow.Distributed;

/// <summary>
/// The few functions of the MPI C API SpinFlow calls, bound at run time from the MPICH-ABI library (MPICH, Intel MPI,
/// MVAPICH, Cray MPICH: handles are ints). Loaded only when a launcher started this process, so a machine without MPI
/// never touches it.
/// </summary>
internal sealed unsafe class MpiLibrary
{
    // MPICH ABI constants (mpi.h of MPICH 3.x/4.x); the ABI has kept them since MPICH 3.1.
    public const int CommWorld = 0x44000000;
    public const int Byte = 0x4c00010d;
    public const int ThreadSerialized = 2;
    public static readonly nint StatusIgnore = 1;
    public static readonly nint InPlace = -1;

    /// <summary>Sonames tried in order; SPINFLOW_MPI_LIBRARY, when set, is tried first.</summary>
    public static readonly string[] Names = ["libmpich.so.12", "libmpi.so.12", "libmpich.so", "libmpi.so"];

    public readonly delegate* unmanaged<int*, int> Initialized;
    public readonly delegate* unmanaged<int*, int> Finalized;
    public readonly delegate* unmanaged<int*, nint, int, int*, int> InitThread;
    public readonly delegate* unmanaged<int> Finalize;
    public readonly delegate* unmanaged<int, int*, int> CommRank;
    public readonly delegate* unmanaged<int, int*, int> CommSize;
    public readonly delegate* unmanaged<int, int> BarrierFn;
    public readonly delegate* unmanaged<void*, int, int, int, int, int> Bcast;
    public readonly delegate* unmanaged<void*, int, int, void*, int*, int*, int, int, int> Allgatherv;
    public readonly delegate* unmanaged<void*, int, int, int, int, int, int> SendFn;
    public readonly delegate* unmanaged<void*, int, int, int, int, int, nint, int> Recv;
    public readonly delegate* unmanaged<int, int, int, int*, int> CommSplit;
    public readonly delegate* unmanaged<int*, int> CommFree;
    public readonly delegate* unmanaged<int, int, int> AbortFn;
    public readonly delegate* unmanaged<int, int, int, int*, nint, int> Iprobe;

    /// <summary>Where the library was found.</summary>
    public string Path { get; }

    private MpiLibrary(nint handle, string path)
    {
        Path = path;
        nint F(string name) => NativeLibrary.TryGetExport(handle, name, out var f) ? f
            : throw new EntryPointNotFoundException($"{path} has no {name}: not an MPI library");
        Initialized = (delegate* unmanaged<int*, int>)F("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)F("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, nint, int, int*, int>)F("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)F("MPI_Finalize");
        CommRank = (delegate* unmanaged<int, int*, int>)F("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<int, int*, int>)F("MPI_Comm_size");
        BarrierFn = (delegate* unmanaged<int, int>)F("MPI_Barrier");
        Bcast = (delegate* unmanaged<void*, int, int, int, int, int>)F("MPI_Bcast");
        Allgatherv = (delegate* unmanaged<void*, int, int, void*, int*, int*, int, int, int>)F("MPI_Allgatherv");
        SendFn = (delegate* unmanaged<void*, int, int, int, int, int, int>)F("MPI_Send");
        Recv = (delegate* unmanaged<void*, int, int, int, int, int, nint, int>)F("MPI_Recv");
        CommSplit = (delegate* unmanaged<int, int, int, int*, int>)F("MPI_Comm_split");
        CommFree = (delegate* unmanaged<int*, int>)F("MPI_Comm_free");
        AbortFn = (delegate* unmanaged<int, int, int>)F("MPI_Abort");
        Iprobe = (delegate* unmanaged<int, int, int, int*, nint, int>)F("MPI_Iprobe");
    }

    /// <summary>The MPI library, or null with the names tried when none loads.</summary>
    public static MpiLibrary? TryLoad(string? preferred, out string tried)
    {
        var names = preferred is { Length: > 0 } ? [preferred, .. Names] : Names;
        tried = string.Join(", ", names);
        foreach (string name in names)
            if (NativeLibrary.TryLoad(name, out var handle))
                return new MpiLibrary(handle, name);
        return null;
    }

    /// <summary>Throws when an MPI call did not return MPI_SUCCESS (with the default handler, errors abort the job before this).</summary>
    public static void Check(int code, string call)
    {
        if (code != 0) throw new InvalidOperationException($"{call} failed with MPI error code {code}");
    }
}
