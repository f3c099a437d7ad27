using System.Reflection;
using System.Runtime.ExceptionServices;

namespace SpinFlow.IO;

/// <summary>Writes files so that readers see either the old content or the complete new one, never a half-written file.</summary>
public static class AtomicFile
{
    /// <summary>
    /// Runs <paramref name="write"/> on a temporary path in the target's directory, then renames it over <paramref name="path"/>.
    /// On failure the temporary file is removed and the old file is untouched; a full disk is one
    /// <see cref="IOException"/> "no space left on device writing FILE", and errors that a writer wrapped
    /// (reflection, tasks) are rethrown unwrapped.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"output directory does not exist: {dir}");
        string tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            write(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            var cause = Unwrap(e);
            if (IsDiskFull(cause)) throw new IOException($"no space left on device writing {path}", cause);
            if (!ReferenceEquals(cause, e)) ExceptionDispatchInfo.Capture(cause).Throw();
            throw;
        }
        finally
        {
            // A failed delete must not hide the write's own error.
            try { if (File.Exists(tmp)) File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Atomically writes <paramref name="contents"/> as UTF-8 text.</summary>
    public static void WriteAllText(string path, string contents) => Write(path, tmp => File.WriteAllText(tmp, contents));

    /// <summary>Fails early, with a clear message, when <paramref name="path"/> cannot be written (so a long run does not end in an I/O error).</summary>
    public static void CheckWritable(string path)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        if (!Directory.Exists(dir)) throw new IOException($"cannot write {path}: directory {dir} does not exist");
        if (Directory.Exists(full)) throw new IOException($"cannot write {path}: it is a directory");
        string probe = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.probe");
        try
        {
            File.WriteAllBytes(probe, []);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new IOException($"cannot write {path}: {e.Message}");
        }
        finally
        {
            try { File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The error that says what went wrong, out of the wrappers around it: PureHDF writes through reflection
    /// (TargetInvocationException), parallel loops and tasks throw AggregateException; of several, a full disk first.
    /// </summary>
    public static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                case AggregateException aggregate:
                    var all = aggregate.Flatten().InnerExceptions;
                    if (all.Count == 0) return e;
                    // Of several failures, the full disk is the one the user can act on.
                    e = all.FirstOrDefault(x => IsDiskFull(Unwrap(x))) ?? all[0];
                    break;
                default:
                    return e;
            }
        }
    }

    /// <summary>
    /// ENOSPC on Unix (errno 28 is the HResult .NET gives), ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows, and
    /// .NET's own message when preallocating a file (File.WriteAllText) finds the disk full.
    /// </summary>
    private static bool IsDiskFull(Exception e) =>
        e is IOException io && (io.HResult == 28
            || io.HResult == unchecked((int)0x80070070) || io.HResult == unchecked((int)0x80070027)
            || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase)
            || io.Message.Contains("because the disk was full", StringComparison.OrdinalIgnoreCase));
}
