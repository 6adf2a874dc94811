namespace Checkpointing;

/// <summary>
/// This writer no longer owns its run: another process took the writer lock over (see
/// <see cref="CheckpointOptions.TakeOverLock"/>) while this one was paused, partitioned or presumed
/// dead. The save that raised it published nothing, and so will every later save of this manager:
/// stop the process and let the new owner carry the run on.
/// </summary>
public sealed class CheckpointFencedException : CheckpointException
{
    /// <summary>Creates the exception naming both generations and the new holder.</summary>
    public CheckpointFencedException(string message, long writerGeneration, long currentGeneration, int? holderProcessId, string? holderHost)
        : base(message)
    {
        WriterGeneration = writerGeneration;
        CurrentGeneration = currentGeneration;
        HolderProcessId = holderProcessId;
        HolderHost = holderHost;
    }

    /// <summary>The generation of the writer that was fenced (this manager's).</summary>
    public long WriterGeneration { get; }

    /// <summary>The generation of the run's writer now, as its lock file records it.</summary>
    public long CurrentGeneration { get; }

    /// <summary>The process id of the new holder, when it recorded one.</summary>
    public int? HolderProcessId { get; }

    /// <summary>The host name of the new holder, when it recorded one.</summary>
    public string? HolderHost { get; }

    /// <inheritdoc />
    public override bool IsTransient => false;
}
