namespace Checkpointing.Cli.Reports;

/// <summary>The newest journal snapshot: a checkpoint whose state includes the journal's records up to <see cref="JournalSequence"/>.</summary>
/// <param name="Kind">What wrote it (<c>worklist</c>, <c>state</c>), from its <c>journal</c> tag.</param>
/// <param name="RecordsAfter">Journal records after it, which opening the run replays.</param>
internal sealed record SnapshotRow(string CheckpointId, long Step, long JournalSequence, string? Kind, long RecordsAfter);
