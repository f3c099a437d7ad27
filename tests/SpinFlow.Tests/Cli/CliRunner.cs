using SpinFlow.Cli;

namespace SpinFlow.Tests.Cli;

/// <summary>Runs the spinflow CLI in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Outcome Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SpinFlowCli.Run(args, stdout, stderr, interactive: false);
        return new Outcome(code, stdout.ToString(), stderr.ToString());
    }
}
