using Microsoft.Extensions.Logging;

namespace Checkpointing.Diagnostics;

/// <summary>Every log message the library writes, in one place.</summary>
/// <remarks>
/// Event ids are stable (operators filter and alert on them) and grouped by feature; a new event takes the next
/// free id of its range:
/// <list type="table">
/// <item><term>1–99</term><description>the manager: saves, loads, recovery and quarantine, retention, the run directory.</description></item>
/// <item><term>100–149</term><description>studies and their journal.</description></item>
/// <item><term>150–159</term><description>interrupts.</description></item>
/// <item><term>160–199</term><description>the training callback.</description></item>
/// <item><term>200–299</term><description>the journal, journaled state and work lists.</description></item>
/// </list>
/// Categories are the types that log: <c>Checkpointing.CheckpointManager</c>, <c>Checkpointing.Studies.Study</c> and so on.
/// </remarks>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Saved checkpoint {CheckpointId} (step {Step}, {StoredBytes} bytes) in {ElapsedMs:F1} ms")]
    public static partial void Saved(ILogger logger, string checkpointId, long step, long storedBytes, double elapsedMs);

    [LoggerMessage(2, LogLevel.Warning, "Skipped damaged checkpoint {FileName}: {Reason}. Moved to {QuarantinedTo}")]
    public static partial void Quarantined(ILogger logger, string fileName, string reason, string? quarantinedTo);

    [LoggerMessage(3, LogLevel.Warning, "Using older checkpoint {CheckpointId} (step {Step}) because {SkippedCount} newer one(s) failed verification")]
    public static partial void FellBack(ILogger logger, string checkpointId, long step, int skippedCount);

    [LoggerMessage(4, LogLevel.Information, "Removed {Count} temporary file(s) left by an interrupted save in {Directory}")]
    public static partial void RemovedTemporaryFiles(ILogger logger, int count, string directory);

    [LoggerMessage(5, LogLevel.Debug, "Retention deleted {CheckpointId}")]
    public static partial void RetentionDeleted(ILogger logger, string checkpointId);

    [LoggerMessage(6, LogLevel.Warning, "Retention could not delete {CheckpointId}; it will be retried after the next save")]
    public static partial void RetentionFailed(ILogger logger, Exception exception, string checkpointId);

    [LoggerMessage(7, LogLevel.Warning, "Ignoring {FileName} in {Directory}: its name is not in the checkpoint_step_<step>_<timestamp>.ckpt form")]
    public static partial void IgnoredFile(ILogger logger, string fileName, string directory);

    [LoggerMessage(8, LogLevel.Error, "Saving a checkpoint at step {Step} failed; earlier checkpoints are untouched")]
    public static partial void SaveFailed(ILogger logger, Exception exception, long step);

    [LoggerMessage(9, LogLevel.Warning, "List() left out {FileName}: {Reason}")]
    public static partial void ListSkipped(ILogger logger, string fileName, string reason);

    [LoggerMessage(10, LogLevel.Debug, "Background save of step {Step} skipped: a save is still being written (policy Skip)")]
    public static partial void BackgroundSaveSkipped(ILogger logger, long step);

    [LoggerMessage(11, LogLevel.Error, "A background save of step {Step} failed and was not reported before Dispose; earlier checkpoints are intact")]
    public static partial void BackgroundSaveFailedAtDispose(ILogger logger, Exception exception, long step);

    [LoggerMessage(12, LogLevel.Warning, "Could not read the run's writer record in {Directory}; checkpoints published late by a fenced writer cannot be told apart until it is readable")]
    public static partial void WriterRecordUnreadable(ILogger logger, Exception exception, string directory);

    [LoggerMessage(13, LogLevel.Information, "Loaded checkpoint {CheckpointId} (step {Step}, {StoredBytes} bytes) in {ElapsedMs:F1} ms")]
    public static partial void Loaded(ILogger logger, string checkpointId, long step, long storedBytes, double elapsedMs);

    [LoggerMessage(14, LogLevel.Information, "No checkpoint in {Directory}; a resume starts from the beginning")]
    public static partial void NothingToLoad(ILogger logger, string directory);

    [LoggerMessage(15, LogLevel.Debug, "Saving a checkpoint at step {Step} was cancelled; nothing was published")]
    public static partial void SaveCancelled(ILogger logger, long step);

    [LoggerMessage(150, LogLevel.Warning, "Interrupt received ({Signal}); stop requested (mode {Mode})")]
    public static partial void InterruptReceived(ILogger logger, string signal, string mode);

    [LoggerMessage(151, LogLevel.Error, "A callback registered on the interrupt stop token threw")]
    public static partial void StopCallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(152, LogLevel.Information, "Ignored signal {Signal} (#{Count}): a stop is already in progress")]
    public static partial void SignalIgnored(ILogger logger, string signal, int count);

    [LoggerMessage(153, LogLevel.Warning, "Second interrupt ({Signal}): exiting now with code {ExitCode}")]
    public static partial void ExitingOnSecondSignal(ILogger logger, string signal, int exitCode);

    [LoggerMessage(154, LogLevel.Warning, "A final checkpoint could take {WorstSeconds:F1} s (save {SaveSeconds:F1} s, unit {UnitSeconds:F1} s), more than the {GraceSeconds:F1} s grace period")]
    public static partial void StopMayExceedGracePeriod(ILogger logger, double worstSeconds, double saveSeconds, double unitSeconds, double graceSeconds);

    [LoggerMessage(160, LogLevel.Information, "Training checkpoint {CheckpointId} at step {Step} ({Status}, because: {Trigger}) saved in {ElapsedMs:F1} ms")]
    public static partial void TrainingSaved(ILogger logger, string checkpointId, long step, string status, string trigger, double elapsedMs);

    [LoggerMessage(161, LogLevel.Warning, "The latest checkpoint's '{Tag}' tag is '{Value}', not a count; counting this as session {Session}")]
    public static partial void SessionsTagUnreadable(ILogger logger, string tag, string value, int session);

    [LoggerMessage(100, LogLevel.Information, "Created study journal {Path} ({Direction}, seed {Seed}, {ParameterCount} parameter(s))")]
    public static partial void StudyCreated(ILogger logger, string path, string direction, ulong seed, int parameterCount);

    [LoggerMessage(101, LogLevel.Information, "Resumed study {Path}: {Trials} finished trial(s), best value {BestValue}, session {Session}, {Interruptions} interruption(s)")]
    public static partial void StudyResumed(ILogger logger, string path, int trials, double? bestValue, int session, int interruptions);

    [LoggerMessage(102, LogLevel.Information, "Trial {Number} was running when the previous session stopped; it runs again with the same parameters")]
    public static partial void TrialRedone(ILogger logger, int number);

    [LoggerMessage(103, LogLevel.Debug, "Trial {Number} finished with value {Value} in {ElapsedMs:F1} ms (best {BestValue})")]
    public static partial void TrialFinished(ILogger logger, int number, double value, double elapsedMs, double? bestValue);

    [LoggerMessage(104, LogLevel.Warning, "Trial {Number} failed: {Error}")]
    public static partial void TrialFailed(ILogger logger, int number, string error);

    [LoggerMessage(105, LogLevel.Information, "Trial {Number} was abandoned on cancellation; it runs again with the same parameters when the study resumes")]
    public static partial void TrialAbandoned(ILogger logger, int number);

    [LoggerMessage(106, LogLevel.Information, "Optimization stopped by cancellation after {Finished}/{Target} trials")]
    public static partial void OptimizeInterrupted(ILogger logger, int finished, int target);

    [LoggerMessage(107, LogLevel.Warning, "Cut {Bytes} byte(s) of torn tail from journal {Path}; the records committed before it are intact")]
    public static partial void JournalTailCut(ILogger logger, long bytes, string path);

    [LoggerMessage(108, LogLevel.Warning, "Journal {Path} had valid-looking records after damaged bytes; the cut tail was kept in {CopyPath}")]
    public static partial void JournalDamagedTailKept(ILogger logger, string path, string copyPath);

    [LoggerMessage(109, LogLevel.Warning, "Could not record the end of this session in journal {Path}; the next session will count it as interrupted")]
    public static partial void StudySessionEndFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(200, LogLevel.Information, "Cut {Bytes} byte(s) of torn tail from journal segment {Path}; every record before it is kept (last sequence {LastSequence})")]
    public static partial void JournalTornTailCut(ILogger logger, long bytes, string path, long lastSequence);

    [LoggerMessage(201, LogLevel.Warning, "Journal damage in {Path}: {Reason}. Kept the records through sequence {LastSequence}; moved everything after the damage aside: {MovedAside}")]
    public static partial void JournalDamaged(ILogger logger, string path, string reason, long lastSequence, string movedAside);

    [LoggerMessage(202, LogLevel.Error, "Journal {Directory} failed ({Operation}) and accepts no more records; reopen it to continue from its last committed record")]
    public static partial void JournalFailed(ILogger logger, Exception exception, string directory, string operation);

    [LoggerMessage(203, LogLevel.Debug, "Deleted {Count} journal segment(s) whose records are all at or before sequence {Sequence}")]
    public static partial void JournalCompacted(ILogger logger, int count, long sequence);

    [LoggerMessage(204, LogLevel.Warning, "Journal {Directory} ends at sequence {LastSequence}, but snapshot {CheckpointId} covers records through {SnapshotSequence}; moved the old segments aside and continuing at sequence {NextSequence}")]
    public static partial void JournalBehindSnapshot(ILogger logger, string directory, long lastSequence, string checkpointId, long snapshotSequence, long nextSequence);

    [LoggerMessage(205, LogLevel.Warning, "Could not finish the journal cleanly on dispose; every committed record is kept")]
    public static partial void JournalDisposeFailed(ILogger logger, Exception exception);

    [LoggerMessage(206, LogLevel.Information, "Resumed {Kind} in {Directory} from {Snapshot} (journal sequence {SnapshotSequence}) and {Replayed} journal record(s) after it")]
    public static partial void JournaledResumed(ILogger logger, string kind, string directory, string snapshot, long snapshotSequence, long replayed);

    [LoggerMessage(207, LogLevel.Information, "Snapshot {CheckpointId} covers journal records through {Sequence}; deleted {Deleted} journal segment(s) no retained snapshot needs")]
    public static partial void JournalSnapshotSaved(ILogger logger, string checkpointId, long sequence, int deleted);

    [LoggerMessage(208, LogLevel.Warning, "An automatic snapshot of {Kind} failed; the journal still holds every record, and the next snapshot is tried after {Retry} more record(s)")]
    public static partial void AutoSnapshotFailed(ILogger logger, Exception exception, string kind, long retry);
}
