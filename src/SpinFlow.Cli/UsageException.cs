namespace SpinFlow.Cli;

/// <summary>Bad input from the user: reported as one line on stderr with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
