using System.CommandLine;

namespace SpinFlow.Cli;

/// <summary>Options several commands share, so they are spelled and described the same everywhere.</summary>
public static class CommonOptions
{
    /// <summary>--size / -L.</summary>
    public static Option<int> Size(int defaultValue, string description = "Linear lattice size L (≥ 2)") =>
        new("--size", "-L") { Description = description, DefaultValueFactory = _ => defaultValue };

    /// <summary>--temperature / -T as text, parsed by <see cref="IO.TemperatureGrid"/>.</summary>
    public static Option<string> Temperature(string description = "Temperature: a value, a list 2.1,2.3, a range start:stop:count (2.0:2.6:7), or 'tc'") =>
        new("--temperature", "-T") { Description = description, DefaultValueFactory = _ => "tc" };

    /// <summary>--model as text ("ising", "clock:Q", "xy"), parsed by <see cref="Lattice.SpinModel.Parse"/>.</summary>
    public static Option<string> Model(string description = $"Spin model: {Lattice.SpinModel.ValidNames}") =>
        new("--model") { Description = description, DefaultValueFactory = _ => "ising" };

    /// <summary>The --model the user gave, parsed; null when it was left at its default (a checkpoint's record then decides).</summary>
    public static Lattice.SpinModel? ModelOrNull(ParseResult parse, Option<string> option) =>
        parse.GetResult(option) is { Implicit: false } ? Lattice.SpinModel.Parse(parse.GetValue(option)!) : null;

    /// <summary>--seed.</summary>
    public static Option<ulong> Seed(string description = "Seed of the random stream (same seed → same result)") =>
        new("--seed") { Description = description, DefaultValueFactory = _ => 1UL };

    /// <summary>--json FILE.</summary>
    public static Option<string?> Json() => new("--json") { Description = "Write the results as JSON to this file" };

    /// <summary>--force: replace existing output files (without it an existing file is refused, never overwritten).</summary>
    public static Option<bool> Force() => new("--force") { Description = "Replace output files that exist (default: refuse them)" };

    /// <summary>--threads: 0 means one per core; negative values are refused when parsing, so every command words it alike.</summary>
    public static Option<int> Threads(string description, params string[] aliases)
    {
        var option = new Option<int>("--threads", aliases) { Description = description + " (0: one per core)", DefaultValueFactory = _ => 0 };
        option.Validators.Add(result =>
        {
            int value = result.GetValueOrDefault<int>();
            if (value < 0) result.AddError($"--threads must be non-negative (0: one per core), got {value}");
        });
        return option;
    }
}
