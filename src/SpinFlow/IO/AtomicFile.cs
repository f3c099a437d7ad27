namespace SpinFlow.IO;

/// <summary>Writes files so that readers see either the old content or the complete new one, never a half-written file.</summary>
public static class AtomicFile
{
    /// <summary>Runs <paramref name="write"/> on a temporary path in the target's directory, then renames it over <paramref name="path"/>.</summary>
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
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
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
}
