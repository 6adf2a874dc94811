namespace Checkpointing;

/// <summary>
/// A checkpoint file failed verification: wrong magic, bad checksum, truncated, inconsistent
/// manifest, or a file that belongs to another run. Loaders skip such files and quarantine them;
/// this is thrown when no valid checkpoint is left, listing every file tried.
/// </summary>
public sealed class CheckpointCorruptException : CheckpointException
{
    /// <summary>Creates the exception for one file.</summary>
    public CheckpointCorruptException(string message, string? filePath = null, Exception? innerException = null)
        : base(message, innerException)
    {
        FilePath = filePath;
        Skipped = [];
    }

    /// <summary>Creates the exception for a load that found no valid checkpoint among several.</summary>
    public CheckpointCorruptException(string message, IReadOnlyList<SkippedCheckpoint> skipped)
        : base(message)
    {
        Skipped = skipped;
    }

    /// <summary>What was wrong, without the file name (for reports that list several files).</summary>
    public string? Reason { get; init; }

    /// <summary>The damaged file, when the error is about one file.</summary>
    public string? FilePath { get; }

    /// <summary>Every checkpoint that was tried and rejected, newest first, with the reason.</summary>
    public IReadOnlyList<SkippedCheckpoint> Skipped { get; }
}
