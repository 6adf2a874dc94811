namespace Checkpointing;

/// <summary>
/// Everything known about one checkpoint without loading its state: read from the file's footer
/// manifest, so listing a run costs two small reads per file.
/// </summary>
public sealed record CheckpointMetadata
{
    /// <summary>The checkpoint id: the file name without <c>.ckpt</c>, e.g. <c>checkpoint_step_10_20260101_120000</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The process type (first level under the root directory), e.g. <c>training</c>.</summary>
    public required string ProcessType { get; init; }

    /// <summary>The run name (second level), e.g. <c>my_experiment</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The step the state was saved at: trials finished, episodes, items done.</summary>
    public required long Step { get; init; }

    /// <summary>The total number of steps, when the caller gave one.</summary>
    public long? TotalSteps { get; init; }

    /// <summary>100 × Step / TotalSteps, or null without a total.</summary>
    public double? ProgressPercent => TotalSteps is > 0 ? 100.0 * Step / TotalSteps.Value : null;

    /// <summary>When the checkpoint was written, in UTC.</summary>
    public required DateTimeOffset TimestampUtc { get; init; }

    /// <summary>What the process was doing when it saved.</summary>
    public CheckpointStatus Status { get; init; }

    /// <summary>Named numbers saved with the checkpoint (loss, accuracy, reward, …).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Free-form text saved with the checkpoint.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The size of the file on disk, in bytes.</summary>
    public long StoredBytes { get; init; }

    /// <summary>The size of the serialised state before compression, in bytes.</summary>
    public long StateBytes { get; init; }

    /// <summary>How the chunks were compressed.</summary>
    public CheckpointCompression Compression { get; init; }

    /// <summary>The size of the state's chunks in the file (after compression, with chunk headers), in bytes.</summary>
    public long StateStoredBytes { get; init; }

    /// <summary>StateBytes / StateStoredBytes: above 1 means compression saved space (the fixed footer is not counted).</summary>
    public double CompressionRatio => StateStoredBytes > 0 ? (double)StateBytes / StateStoredBytes : 1.0;

    /// <summary>XXH3-64 of the file's payload, as 16 hex digits; two files with the same value hold the same bytes.</summary>
    public string Checksum { get; init; } = string.Empty;

    /// <summary>The host that wrote the checkpoint.</summary>
    public string WriterHost { get; init; } = string.Empty;

    /// <summary>The process id that wrote the checkpoint.</summary>
    public int WriterProcessId { get; init; }

    /// <summary>
    /// The writer generation that wrote the checkpoint: each opening of a run for writing has the next
    /// number. Null for files written before generations were recorded (format 1.0 to 1.2 writers).
    /// </summary>
    public long? WriterGeneration { get; init; }

    /// <summary>
    /// True when the run's writer record excludes this checkpoint: a writer that had lost the run (taken over, see
    /// <see cref="CheckpointOptions.TakeOverLock"/>) published it late, above the step the run was at when it lost it.
    /// The file is intact, but it is never loaded as the latest, retention does not count it, and a writer moves it to
    /// <c>quarantine/</c>. Set by <see cref="CheckpointManager.List"/> and <c>Load</c> by id or step; false on a checkpoint
    /// a save returns.
    /// </summary>
    public bool IsPublishedLate { get; init; }

    /// <summary>The .ckpt format version of the file, e.g. <c>1.0</c>.</summary>
    public string FormatVersion { get; init; } = string.Empty;

    /// <summary>
    /// For a snapshot written by a journal (<see cref="Journaling.WorkList"/>, <see cref="Journaling.JournaledState{TState, TEvent}"/>):
    /// the sequence number of the last journal record the state includes. Null for plain checkpoints.
    /// </summary>
    public long? JournalSequence { get; init; }

    /// <summary>
    /// How long the save took to write the file, up to its manifest: from the start of the file work (after the state
    /// was serialised) through compressing and writing every section. The fsync, rename and retention that followed are
    /// not included (the manifest is written before them); the next save of the same manager records those in
    /// <see cref="PreviousSave"/>. Null for files written before it was recorded.
    /// </summary>
    public TimeSpan? WriteDuration { get; init; }

    /// <summary>
    /// The save the same manager completed before this one, with its full duration until it was durable and retention
    /// had run. Null for a manager's first save (after every start of the process, too) and for files written before it
    /// was recorded.
    /// </summary>
    public CompletedSave? PreviousSave { get; init; }

    /// <summary>The retention rules in force when this checkpoint was saved; null for files written before they were recorded.</summary>
    public RetentionSettings? Retention { get; init; }

    /// <summary>The checkpoint's binary sections (weights, buffers saved with <see cref="BinarySections"/>), readable on demand; empty when it has none.</summary>
    public BinarySectionSet Sections { get; init; } = BinarySectionSet.Empty;

    /// <summary>The full path of the file.</summary>
    public string FilePath { get; init; } = string.Empty;
}
