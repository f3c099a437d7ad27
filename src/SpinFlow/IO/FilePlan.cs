namespace SpinFlow.IO;

/// <summary>
/// The files one command reads and writes, checked together before any work starts: no output may be one of the
/// command's inputs or another of its outputs, and an existing output file is kept unless overwriting was asked for.
/// Every refusal is one line that names the option and the file.
/// </summary>
public sealed class FilePlan
{
    private readonly bool overwrite;
    private readonly List<Entry> inputs = [];
    private readonly List<Entry> outputs = [];

    private sealed record Entry(string Option, string Path, string Key, bool MayExist);

    /// <summary>A plan; with <paramref name="overwrite"/> (the CLI's <c>--force</c>) existing output files may be replaced.</summary>
    public FilePlan(bool overwrite = false) => this.overwrite = overwrite;

    /// <summary>Adds a file the command reads (ignored when <paramref name="path"/> is null).</summary>
    public FilePlan Input(string option, string? path)
    {
        if (path is not null) inputs.Add(new Entry(option, NonEmpty(option, path), Key(path), true));
        return this;
    }

    /// <summary>Adds several input files given to one option.</summary>
    public FilePlan Inputs(string option, IEnumerable<string> paths)
    {
        foreach (var p in paths) Input(option, p);
        return this;
    }

    /// <summary>
    /// Adds a file the command writes (ignored when null). <paramref name="mayExist"/> marks an output the command
    /// itself manages when it exists (a checkpoint continued by <c>--resume</c>), so it is not refused for existing.
    /// </summary>
    public FilePlan Output(string option, string? path, bool mayExist = false)
    {
        if (path is not null) outputs.Add(new Entry(option, NonEmpty(option, path), Key(path), mayExist));
        return this;
    }

    /// <summary>Refuses the plan, with an <see cref="IOException"/> naming option and file, if it could destroy data; checks that every output can be written.</summary>
    public void Check()
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            var o = outputs[i];
            foreach (var input in inputs)
                if (input.Key == o.Key)
                    throw new IOException($"{o.Option} {o.Path} is also {input.Option}: writing it would destroy that input; choose another path");
            for (int j = 0; j < i; j++)
                if (outputs[j].Key == o.Key)
                    throw new IOException(outputs[j].Option == o.Option
                        ? $"{o.Option} names {o.Path} twice: one of the two outputs would be lost"
                        : $"{outputs[j].Option} and {o.Option} both name {o.Path}: one of the two outputs would be lost");
        }
        foreach (var o in outputs)
        {
            if (!overwrite && !o.MayExist && File.Exists(o.Path))
                throw new IOException($"{o.Option} {o.Path} exists; pass --force to replace it, or choose another path");
            AtomicFile.CheckWritable(o.Path);
        }
    }

    private static string NonEmpty(string option, string path) =>
        string.IsNullOrWhiteSpace(path) ? throw new IOException($"{option} needs a file path, got an empty one") : path;

    // Two spellings of one file (./a, a, a symlink to it) must compare equal.
    private static string Key(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) return "";
        string full = Path.GetFullPath(path);
        try
        {
            var info = new FileInfo(full);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
                full = Path.GetFullPath(target.FullName);
            string? dir = Path.GetDirectoryName(full);
            if (dir is not null && Directory.Exists(dir))
            {
                var d = new DirectoryInfo(dir);
                string? real = d.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
                if (real is not null) full = Path.Combine(real, Path.GetFileName(full));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return full;
    }
}
