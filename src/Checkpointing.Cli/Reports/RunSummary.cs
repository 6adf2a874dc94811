namespace Checkpointing.Cli.Reports;

/// <summary>One run in <c>ckpt list</c>: where it stands (from the checkpoint a resume would use) and its health.</summary>
/// <param name="LatestStep">The step a resume would start from; null without a valid checkpoint.</param>
/// <param name="Status">That checkpoint's status (InProgress, Interrupted, Failed, Completed).</param>
/// <param name="NewestCheckpointUtc">When the newest checkpoint file (valid or not) was written.</param>
/// <param name="CheckpointCount">Checkpoint files in the run directory (quarantine not included).</param>
/// <param name="ValidCount">
/// Of those, the ones not found damaged: list reads every footer and checks the checkpoint a resume would use (and any newer
/// one) as <see cref="NewestCheck"/> says; <c>ckpt verify</c> checks every one in full.
/// </param>
/// <param name="Damaged">Checkpoint files found damaged, newest first.</param>
/// <param name="QuarantinedCount">Damaged files moved aside earlier by a writer.</param>
/// <param name="Writer">The process writing the run right now, or null.</param>
/// <param name="StepsPerSecond">The rate between the oldest and the newest checkpoint listed; null with fewer than two.</param>
/// <param name="EtaSeconds">The time the remaining steps take at that rate; null without a total, or once the run is completed.</param>
/// <param name="Error">Why the run could not be read at all, or null.</param>
/// <param name="Journal">The run's journal (segments and records, every record verified), or null when it has none.</param>
/// <param name="Study">The run's study (trials, best value, journal health), or null when it has none.</param>
/// <param name="NewestCheck">
/// How the checkpoint a resume would use was checked: <c>full</c> (footer, manifest, state section and every binary chunk's
/// checksum, as a load checks it) or <c>binarySectionsNotRead</c> (footer, manifest and state section only: its binary
/// sections store more than <see cref="Runs.RunSummarizer.BinaryChecksumBudget"/> bytes and are left to <c>ckpt verify</c>);
/// null without a valid checkpoint.
/// </param>
/// <param name="BinaryBytesNotVerified">With <c>binarySectionsNotRead</c>, the stored bytes of the binary sections not read.</param>
internal sealed record RunSummary(
    string ProcessType,
    string Name,
    long? LatestStep,
    long? TotalSteps,
    double? ProgressPercent,
    string? Status,
    DateTimeOffset? NewestCheckpointUtc,
    int CheckpointCount,
    long SizeBytes,
    int ValidCount,
    IReadOnlyList<DamagedFile> Damaged,
    int QuarantinedCount,
    WriterHolder? Writer,
    string? Error,
    double? StepsPerSecond = null,
    double? EtaSeconds = null,
    JournalReport? Journal = null,
    StudyReport? Study = null,
    string? NewestCheck = null,
    long? BinaryBytesNotVerified = null);
