using System.Diagnostics;

namespace SpinFlow.Tests.IO;

/// <summary>A 64 KiB tmpfs mounted for the test's lifetime: a disk that fills up. Needs root and mount(8).</summary>
internal sealed class SmallTmpfs : IDisposable
{
    public const string Size = "64k";

    public string Directory { get; }

    public SmallTmpfs()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("spinflow-full-").FullName;
        if (!Mount(Directory, out string error))
        {
            System.IO.Directory.Delete(Directory);
            throw new InvalidOperationException($"cannot mount a tmpfs on {Directory}: {error}");
        }
    }

    public void Dispose()
    {
        // Lazy unmount as a fallback: a handle a failed writer left open must not leave the mount behind.
        if (!Run("umount", [Directory], out _)) Run("umount", ["-l", Directory], out _);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Why a tmpfs cannot be mounted here (not root, no mount, a container without the capability); null when it can.</summary>
    public static readonly Lazy<string?> Unavailable = new(() =>
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        string probe = System.IO.Directory.CreateTempSubdirectory("spinflow-probe-").FullName;
        try
        {
            if (!Mount(probe, out string error)) return $"cannot mount a tmpfs here ({error.Split('\n')[0].Trim()})";
            Run("umount", [probe], out _);
            return null;
        }
        finally
        {
            System.IO.Directory.Delete(probe, recursive: true);
        }
    });

    private static bool Mount(string dir, out string error) => Run("mount", ["-t", "tmpfs", "-o", $"size={Size}", "tmpfs", dir], out error);

    private static bool Run(string command, string[] args, out string error)
    {
        try
        {
            var psi = new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            error = p.StandardError.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            error = e.Message;
            return false;
        }
    }
}

/// <summary>A fact that xunit 2 reports as skipped, with the reason, where a small tmpfs cannot be mounted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.Unavailable.Value is { } reason) Skip = reason;
    }
}
