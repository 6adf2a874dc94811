namespace Checkpointing;

/// <summary>
/// The base of every error the library raises on purpose. Catch this to handle all checkpoint
/// failures; catch a subclass to handle one kind.
/// </summary>
public class CheckpointException : Exception
{
    /// <summary>Creates the exception with a message that says what went wrong and what to do.</summary>
    public CheckpointException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying cause.</summary>
    public CheckpointException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when the same operation may succeed if tried again later (a full disk after space is
    /// freed, a lock whose holder is about to exit); false for damage and misuse.
    /// </summary>
    public virtual bool IsTransient => false;
}
