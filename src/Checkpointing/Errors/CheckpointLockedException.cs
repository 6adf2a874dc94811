namespace Checkpointing;

/// <summary>
/// Another live process is the writer of this run. Only one writer per run is allowed, so two
/// copies of a job never overwrite each other's progress. A holder that died never blocks anyone:
/// its lock is released by the operating system.
/// </summary>
public sealed class CheckpointLockedException : CheckpointException
{
    /// <summary>Creates the exception naming the holder.</summary>
    public CheckpointLockedException(string message, int? holderProcessId, string? holderHost)
        : base(message)
    {
        HolderProcessId = holderProcessId;
        HolderHost = holderHost;
    }

    /// <summary>The process id of the holder, when it recorded one.</summary>
    public int? HolderProcessId { get; }

    /// <summary>The host name of the holder, when it recorded one.</summary>
    public string? HolderHost { get; }

    /// <inheritdoc />
    public override bool IsTransient => true;
}
