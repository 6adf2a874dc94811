namespace Checkpointing;

/// <summary>
/// The storage failed: a write, fsync, rename or directory operation returned an error (disk full,
/// I/O error, read-only file system, permission denied). When a save fails this way, the
/// checkpoints saved before it are untouched and the latest one has not changed.
/// </summary>
public sealed class CheckpointStorageException : CheckpointException
{
    private readonly bool _isTransient;

    /// <summary>Creates the exception.</summary>
    public CheckpointStorageException(string message, bool isTransient, Exception? innerException = null, int? errno = null)
        : base(message, innerException)
    {
        _isTransient = isTransient;
        Errno = errno;
    }

    /// <summary>The operating-system error number, when one was reported.</summary>
    public int? Errno { get; }

    /// <summary>True for errors that may clear by themselves or once space is freed (ENOSPC, EDQUOT).</summary>
    public override bool IsTransient => _isTransient;
}
