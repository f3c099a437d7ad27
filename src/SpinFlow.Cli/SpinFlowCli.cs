using System.CommandLine;
using SpinFlow.Cli.Commands;
using SpinFlow.Distributed;

namespace SpinFlow.Cli;

/// <summary>The <c>spinflow</c> command line: parses, dispatches to the commands, maps bad input to exit code 2.</summary>
public static class SpinFlowCli
{
    /// <summary>Exit code for bad input (usage errors, unreadable or unwritable files, invalid values).</summary>
    public const int BadInput = 2;

    /// <summary>
    /// Runs the CLI with the given arguments and streams; returns the process exit code. Under MPI
    /// (<paramref name="ranks"/> with several ranks) only rank 0 prints; an error that the other ranks cannot have met
    /// at the same point is printed by the rank that met it, and the whole job is stopped (<see cref="IRanks.Abort"/>).
    /// </summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, bool interactive = false, IRanks? ranks = null)
    {
        ranks ??= new SingleRank();
        bool root = ranks.Rank == 0;
        var context = root ? new CliContext(stdout, stderr, interactive, ranks) : new CliContext(TextWriter.Null, TextWriter.Null, false, ranks);
        int code = Invoke(args, context, root ? stderr : TextWriter.Null, out var failure);
        // Errors met by every rank alike (bad options, rank 0's verdict on the run folder) end every rank normally; any
        // other error after the ranks have talked may leave them waiting for this one, so it stops them all.
        if (failure is not null && ranks.Size > 1 && ranks.Communicated && !SpinFlow.Distributed.RankAgreement.IsAgreed(failure))
        {
            stderr.WriteLine($"spinflow: rank {ranks.Rank} of {ranks.Size} failed ({OneLine(failure.GetType().Name + ": " + failure.Message)}); stopping all ranks");
            stderr.Flush();
            ranks.Abort(code);
        }
        return code;
    }

    private static int Invoke(string[] args, CliContext context, TextWriter stderr, out Exception? failure)
    {
        failure = null;
        var stdout = context.Out;
        // A plain command named "spinflow" (not RootCommand, which takes the assembly's name SpinFlow.Cli) so help reads as users type it.
        var root = new Command("spinflow", "SpinFlow: exact sampling of the 2D Ising model by flow-based super-resolution, with reference Monte Carlo and exact results.")
        {
            new System.CommandLine.Help.HelpOption(),
            new VersionOption(),
            McmcCommand.Create(context),
            ExactCommand.Create(context),
            RelaxedCommand.Create(context),
            RescaleCommand.Create(context),
            TrainCommand.Create(context),
            PipelineCommand.Create(context),
            PlotCommand.Create(context),
            GenerateCommand.Create(context),
            SampleCommand.Create(context),
            CompareConvergenceCommand.Create(context),
            FlowInfoCommand.Create(context),
            BenchCommand.Create(context),
        };
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            stderr.WriteLine($"spinflow: error: {ParseError(root, args, parse)} (see 'spinflow --help')");
            return BadInput;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception thrown)
        {
            var e = IO.AtomicFile.Unwrap(thrown);
            failure = e;
            if (IsBadInput(e))
            {
                stderr.WriteLine($"spinflow: error: {OneLine(e.Message)}");
                return BadInput;
            }
            if (e is OperationCanceledException)
            {
                stderr.WriteLine("spinflow: interrupted");
                return 130;
            }
            if (e is OutOfMemoryException)
            {
                stderr.WriteLine("spinflow: error: out of memory: the run needs more memory than this machine has; use fewer chains, samples or a smaller lattice");
                return BadInput;
            }
            stderr.WriteLine($"spinflow: internal error: {OneLine(e.GetType().Name + ": " + e.Message)}");
            return 1;
        }
    }

    // System.CommandLine reports an unknown first word as a missing command; say what the user typed instead.
    private static string ParseError(Command root, string[] args, ParseResult parse)
    {
        if (args.Length == 0) return "no command given";
        string first = args[0];
        if (!first.StartsWith('-') && root.Subcommands.All(c => c.Name != first && !c.Aliases.Contains(first)))
            return $"unknown command '{first}'";
        return parse.Errors[0].Message;
    }

    private static bool IsBadInput(Exception e) =>
        e is UsageException or ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException;

    // ArgumentException appends "(Parameter 'x')" and actual values on new lines; users need the first sentence.
    private static string OneLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        if (nl >= 0) message = message[..nl];
        int p = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return p >= 0 ? message[..p] : message;
    }
}
