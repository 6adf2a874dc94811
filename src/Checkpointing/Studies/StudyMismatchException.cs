namespace Checkpointing.Studies;

/// <summary>
/// A study was resumed with settings that differ from the ones it was created with (search space,
/// direction or seed). Resuming would silently change what the finished trials mean, so nothing
/// is written; run with the original settings, or start a new study (another run name, or delete
/// the run's <c>study.journal</c>).
/// </summary>
public sealed class StudyMismatchException : CheckpointException
{
    /// <summary>Creates the exception.</summary>
    public StudyMismatchException(string message, string journalPath)
        : base(message)
    {
        JournalPath = journalPath;
    }

    /// <summary>The journal of the existing study.</summary>
    public string JournalPath { get; }
}
