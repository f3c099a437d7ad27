namespace SpinFlow.Cli;

/// <summary>Comma-separated lists on the command line: every entry must be there, so a stray comma is an error, not a silent skip.</summary>
public static class CommandLists
{
    /// <summary>Splits <paramref name="text"/> into file paths; an empty list or an empty entry (a leading, doubled or trailing comma) is refused naming <paramref name="option"/>.</summary>
    public static string[] Paths(string option, string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 1 && parts[0].Length == 0) throw new UsageException($"{option} needs at least one file");
        if (parts.Any(p => p.Length == 0)) throw new UsageException($"{option} '{text}' has an empty entry: remove the stray comma");
        return parts;
    }
}
