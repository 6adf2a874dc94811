namespace Checkpointing;

/// <summary>
/// A save started with <see cref="CheckpointManager.SaveInBackgroundAsync{T}"/> failed after the call
/// returned. Raised once, by the next save, <see cref="CheckpointManager.FlushAsync"/> or <see cref="CheckpointManager.DisposeAsync"/>; the
/// inner exception is the original error. Earlier checkpoints are untouched and the failed step was not saved.
/// </summary>
public sealed class CheckpointBackgroundSaveException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointBackgroundSaveException(string message, long step, Exception innerException)
        : base(message, innerException)
    {
        Step = step;
    }

    /// <summary>The step whose background save failed.</summary>
    public long Step { get; }
}
