namespace Checkpointing.Cli.Reporting;

/// <summary>An interruption, failure or resume, at the time and step of the checkpoint that shows it.</summary>
/// <param name="Step">The checkpoint's step; for <see cref="RunEventKind.Resumed"/>, the step of the newest checkpoint before the new session (where it carried on from).</param>
internal sealed record RunEvent(RunEventKind Kind, DateTimeOffset Time, long Step, string Label);
