namespace Checkpointing.Cli.Reports;

/// <summary>
/// The output of <c>ckpt show --json</c>: the run's readable checkpoints, oldest first, the files whose footer could not
/// be read, and its journal and study (null when it has none), and the retention settings recorded by its newest checkpoint
/// (null without checkpoints).
/// </summary>
internal sealed record ShowReport(
    string ProcessType,
    string Name,
    IReadOnlyList<CheckpointRow> Checkpoints,
    IReadOnlyList<string> Unreadable,
    JournalReport? Journal = null,
    StudyReport? Study = null,
    RetentionRow? Retention = null);
