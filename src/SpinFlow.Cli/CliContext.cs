using Spectre.Console;
using SpinFlow.Distributed;

namespace SpinFlow.Cli;

/// <summary>Where a command prints: plain writers for tests and pipes, Spectre.Console tables for people, progress bars only on a terminal.</summary>
public sealed class CliContext
{
    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }
    /// <summary>Standard error (progress notes and warnings go here so stdout stays clean).</summary>
    public TextWriter Error { get; }
    /// <summary>True when both streams are a terminal: progress bars are drawn.</summary>
    public bool Interactive { get; }
    /// <summary>Console used to render tables on <see cref="Out"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>The ranks this command runs on (this process alone unless started by an MPI launcher).</summary>
    public IRanks Ranks { get; }

    /// <summary>Wraps the given writers.</summary>
    public CliContext(TextWriter stdout, TextWriter stderr, bool interactive, IRanks? ranks = null)
    {
        Ranks = ranks ?? new SingleRank();
        Out = stdout;
        Error = stderr;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(stdout),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) Console.Profile.Width = 160;
    }

    /// <summary>
    /// Runs <paramref name="work"/> with a progress callback: a Spectre progress bar on a terminal, otherwise
    /// nothing (long non-interactive runs print a line per stage instead).
    /// </summary>
    public T WithProgress<T>(string description, Func<IProgress<double>?, T> work)
    {
        if (!Interactive) return work(null);
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(description), maxValue: 1.0);
                result = work(new Progress(task));
                task.Value = 1.0;
            });
        return result;
    }

    private sealed class Progress(ProgressTask task) : IProgress<double>
    {
        public void Report(double value) => task.Value = Math.Clamp(value, 0, 1);
    }
}
