using Microsoft.Extensions.Logging;

namespace Checkpointing.Diagnostics;

/// <summary>Every log message the library writes, in one place.</summary>
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
}
