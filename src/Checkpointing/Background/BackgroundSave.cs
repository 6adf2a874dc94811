namespace Checkpointing;

/// <summary>
/// A save accepted by <see cref="CheckpointManager.SaveInBackgroundAsync{T}"/>: the state is captured,
/// the write may still be running. The checkpoint counts as saved (and is what a restart loads)
/// only once <see cref="Completion"/> has completed with its metadata.
/// </summary>
public sealed class BackgroundSave
{
    internal BackgroundSave(long step, BackgroundSaveOutcome outcome, Task<CheckpointMetadata?> completion)
    {
        Step = step;
        Outcome = outcome;
        Completion = completion;
    }

    /// <summary>The step of the state.</summary>
    public long Step { get; }

    /// <summary>Whether the save started, was queued or was skipped.</summary>
    public BackgroundSaveOutcome Outcome { get; }

    /// <summary>
    /// Completes with the checkpoint's metadata once it is durable; with null when it was skipped or replaced
    /// by a newer queued save; faults with the write's error when it failed (the error is also raised by the
    /// next save, <see cref="CheckpointManager.FlushAsync"/> or <see cref="CheckpointManager.DisposeAsync"/>).
    /// </summary>
    public Task<CheckpointMetadata?> Completion { get; }

    /// <summary>True once the checkpoint is written and durable.</summary>
    public bool IsDurable => Completion.IsCompletedSuccessfully && Completion.Result is not null;
}
