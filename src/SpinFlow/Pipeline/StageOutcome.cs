using System.Text;
using System.Text.Json.Nodes;
using SpinFlow.IO;

namespace SpinFlow.Pipeline;

/// <summary>
/// What a rank other than 0 sends rank 0 for one stage it led: the record and the stage's files (rank 0 alone writes the
/// run folder), or the one-line error that stopped it, or that it was skipped after an earlier error.
/// </summary>
internal sealed record StageOutcome(string Stage, JsonObject? Record, IReadOnlyList<(string RelativePath, byte[] Bytes)> Files, StageFailure? Error, bool Skipped = false)
{
    /// <summary>Header length, JSON header, then the files' bytes back to back.</summary>
    public byte[] Serialize()
    {
        var header = new JsonObject
        {
            ["stage"] = Stage,
            ["skipped"] = Skipped,
            ["record"] = Record?.DeepClone(),
            ["error"] = Error is null ? null : new JsonObject { ["kind"] = Error.Kind, ["message"] = Error.Message },
            ["files"] = new JsonArray(Files.Select(f => (JsonNode?)new JsonObject { ["path"] = f.RelativePath, ["length"] = f.Bytes.LongLength }).ToArray()),
        };
        var text = Encoding.UTF8.GetBytes(header.ToJsonString());
        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes(text.Length));
        stream.Write(text);
        foreach (var (_, bytes) in Files) stream.Write(bytes);
        return stream.ToArray();
    }

    /// <summary>Reads a message written by <see cref="Serialize"/>.</summary>
    public static StageOutcome Deserialize(byte[] message)
    {
        int length = BitConverter.ToInt32(message, 0);
        var header = JsonNode.Parse(Encoding.UTF8.GetString(message, 4, length))!.AsObject();
        long offset = 4 + length;
        var files = new List<(string, byte[])>();
        foreach (var f in header["files"]!.AsArray())
        {
            long n = f!["length"]!.GetValue<long>();
            files.Add((f["path"]!.GetValue<string>(), message.AsSpan((int)offset, (int)n).ToArray()));
            offset += n;
        }
        var error = header["error"] is JsonObject e ? new StageFailure(e["kind"]!.GetValue<string>(), e["message"]!.GetValue<string>()) : null;
        return new StageOutcome(header["stage"]!.GetValue<string>(), header["record"] as JsonObject, files, error, header["skipped"]!.GetValue<bool>());
    }

    /// <summary>Writes the files (each atomically) into <paramref name="run"/>, then the record: the stage counts as done only once all are there.</summary>
    public void WriteInto(RunFolder run)
    {
        foreach (var (relative, bytes) in Files)
        {
            string path = Path.GetFullPath(Path.Combine(run.Root, relative));
            if (!path.StartsWith(run.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                throw new InvalidDataException($"stage {Stage} sent a file outside the run folder: {relative}");
            AtomicFile.Write(path, tmp => File.WriteAllBytes(tmp, bytes));
        }
        run.Save(Stage, Record!);
    }
}

/// <summary>An error of one stage on one rank, as every rank will rethrow it: the exception's kind and its message.</summary>
internal sealed record StageFailure(string Kind, string Message)
{
    /// <summary>The failure of <paramref name="e"/>.</summary>
    public static StageFailure Of(Exception e) => new(e switch
    {
        InvalidDataException => nameof(InvalidDataException),
        DirectoryNotFoundException or FileNotFoundException or IOException => nameof(IOException),
        ArgumentException => nameof(ArgumentException),
        UnauthorizedAccessException => nameof(UnauthorizedAccessException),
        OutOfMemoryException => nameof(OutOfMemoryException),
        _ => nameof(InvalidOperationException),
    }, e.Message);

    /// <summary>An exception of the same kind, marked as raised on every rank alike (<see cref="Distributed.RankAgreement"/>).</summary>
    public Exception ToException()
    {
        Exception e = Kind switch
        {
            nameof(InvalidDataException) => new InvalidDataException(Message),
            nameof(IOException) => new IOException(Message),
            nameof(ArgumentException) => new ArgumentException(Message),
            nameof(UnauthorizedAccessException) => new UnauthorizedAccessException(Message),
            nameof(OutOfMemoryException) => new OutOfMemoryException(Message),
            _ => new InvalidOperationException(Message),
        };
        return Distributed.RankAgreement.Mark(e);
    }
}
