namespace Checkpointing.Cli.Tests;

/// <summary>What a <c>ckpt</c> process printed and how it exited.</summary>
internal sealed record CkptResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
