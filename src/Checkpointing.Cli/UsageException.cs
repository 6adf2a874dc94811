namespace Checkpointing.Cli;

/// <summary>The command line asked for something that is not there; the message says what to type instead. Exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
