namespace Checkpointing.Cli.Reports;

/// <summary>A checkpoint's record of the save its writer completed before it: that checkpoint, its step and how long the whole save took.</summary>
internal sealed record PreviousSaveRow(string CheckpointId, long Step, double DurationMs);
