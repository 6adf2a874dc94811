namespace Checkpointing;

/// <summary>
/// What a restart would resume from (the seed's <c>get_recovery_info</c>), plus the newer
/// checkpoints that had to be skipped and why.
/// </summary>
/// <param name="Checkpoint">The newest valid checkpoint.</param>
/// <param name="Skipped">Newer checkpoints that failed verification, newest first.</param>
public sealed record RecoveryInfo(CheckpointMetadata Checkpoint, IReadOnlyList<SkippedCheckpoint> Skipped)
{
    /// <summary>The id of the checkpoint a resume would use.</summary>
    public string CheckpointId => Checkpoint.Id;

    /// <summary>Its step.</summary>
    public long Step => Checkpoint.Step;

    /// <summary>Its total steps, when known.</summary>
    public long? TotalSteps => Checkpoint.TotalSteps;

    /// <summary>Its progress in percent, when the total is known.</summary>
    public double? ProgressPercent => Checkpoint.ProgressPercent;

    /// <summary>When it was written (UTC).</summary>
    public DateTimeOffset TimestampUtc => Checkpoint.TimestampUtc;

    /// <summary>Its status.</summary>
    public CheckpointStatus Status => Checkpoint.Status;
}
