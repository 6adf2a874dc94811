namespace Checkpointing.Storage;

/// <summary>
/// Where one run's checkpoint files live. The manager sees only this interface, so other stores
/// (a database, object storage) can sit beside the local directory. Every implementation must
/// pass the store conformance tests: a published file is durable when <see cref="IPendingCheckpointFile.Publish"/>
/// returns, publishing never replaces an existing file, and a failed or abandoned write leaves no
/// file that <see cref="ListCheckpointFiles"/> returns.
/// All failures are raised as <see cref="CheckpointException"/> subclasses.
/// </summary>
internal interface ICheckpointStore
{
    /// <summary>A human-readable location for messages (a directory path, a URL).</summary>
    string Location { get; }

    /// <summary>The published checkpoint files (<c>*.ckpt</c>), in no particular order.</summary>
    IReadOnlyList<FileEntry> ListCheckpointFiles();

    /// <summary>Opens a published file for verified reading.</summary>
    IReadableFile OpenRead(string fileName);

    /// <summary>Starts writing a new file that becomes visible only when published.</summary>
    IPendingCheckpointFile CreatePending(string fileName);

    /// <summary>
    /// Deletes a published file; returns false when it was not there. With <paramref name="durable"/>
    /// false the deletion may be undone by a power cut (the file comes back), which is harmless for
    /// retention and saves a directory fsync per save.
    /// </summary>
    bool Delete(string fileName, bool durable = true);

    /// <summary>Moves a damaged file out of the way (never deletes it) and returns where it went.</summary>
    string Quarantine(string fileName, string reason);

    /// <summary>Removes files left by writes that never published (after a crash); returns how many.</summary>
    int RemoveTemporaryFiles();

    /// <summary>
    /// Takes the single-writer lock of the run or throws <see cref="CheckpointLockedException"/>; with
    /// <paramref name="takeOver"/>, takes it from a holder that still has it, which is then fenced: its
    /// publishes fail with <see cref="CheckpointFencedException"/>. <paramref name="published"/>, called with the lock
    /// held, says what the published checkpoints record about their writers: the new generation is above theirs.
    /// </summary>
    IWriterLock AcquireWriterLock(bool takeOver = false, Func<PublishedCheckpoints>? published = null);

    /// <summary>The run's writer record as stored now (generation, fences); an empty one when there is none.</summary>
    WriterRecord ReadWriterRecord();
}

/// <summary>The run's writer lock, held; disposing releases it.</summary>
internal interface IWriterLock : IDisposable
{
    /// <summary>This writer's generation: one more than the previous writer's, recorded in every checkpoint it writes.</summary>
    long Generation { get; }

    /// <summary>The writer record this writer wrote when it took the lock: its generation and the fences it knows.</summary>
    WriterRecord Record { get; }

    /// <summary>Throws <see cref="CheckpointFencedException"/> when another process took the lock over.</summary>
    void ThrowIfFenced();
}

/// <summary>A checkpoint file being written; disposing it without publishing discards it.</summary>
internal interface IPendingCheckpointFile : IDisposable
{
    long Length { get; }

    void Append(ReadOnlySpan<byte> data);

    /// <summary>Makes the file durable and visible under its final name, atomically.</summary>
    void Publish();
}
