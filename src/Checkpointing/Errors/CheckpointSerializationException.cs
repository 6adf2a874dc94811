namespace Checkpointing;

/// <summary>
/// A checkpoint is intact but its state could not be turned into the requested type, or the
/// state given to a save could not be serialised. Usually the state type changed shape between
/// runs; the checkpoint is kept as it is.
/// </summary>
public sealed class CheckpointSerializationException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointSerializationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
