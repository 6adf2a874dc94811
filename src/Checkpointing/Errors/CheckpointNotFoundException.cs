namespace Checkpointing;

/// <summary>A checkpoint asked for by step or id does not exist in the run.</summary>
public sealed class CheckpointNotFoundException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    public CheckpointNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that revealed it.</summary>
    public CheckpointNotFoundException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
