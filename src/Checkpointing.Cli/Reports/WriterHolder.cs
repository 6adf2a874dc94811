namespace Checkpointing.Cli.Reports;

/// <summary>The process holding a run's writer lock right now; pid and host are null when the lock is held but its record could not be read.</summary>
internal sealed record WriterHolder(int? Pid, string? Host);
