using Checkpointing.Journaling;

namespace Checkpointing.Studies;

/// <summary>
/// A study as <see cref="Study.Inspect"/> read it from its journal, read-only: the journal file's health, the settings
/// the study was created with and its finished trials. The settings are null when the journal holds no readable
/// header (a study created but never started, or a damaged journal).
/// </summary>
public sealed record StudyInspection
{
    /// <summary>The full path of the study's journal.</summary>
    public required string JournalPath { get; init; }

    /// <summary>The journal file: records, size and health (a torn last record is not damage; see <see cref="JournalFileHealth"/>).</summary>
    public required JournalFileInspection File { get; init; }

    /// <summary>Whether smaller or larger values are better; null without a readable header.</summary>
    public StudyDirection? Direction { get; init; }

    /// <summary>The seed the study was created with; null without a readable header.</summary>
    public ulong? Seed { get; init; }

    /// <summary>When the study was created; null without a readable header.</summary>
    public DateTimeOffset? Created { get; init; }

    /// <summary>The parameters the study searches; null without a readable header.</summary>
    public SearchSpace? Space { get; init; }

    /// <summary>Every finished trial (complete and failed), in order; empty when the records cannot be replayed.</summary>
    public IReadOnlyList<FinishedTrial> Trials { get; init; } = [];

    /// <summary>The complete trial with the best value (the earliest among equals), as <see cref="Study.BestTrial"/>; null when none has completed.</summary>
    public FinishedTrial? BestTrial { get; init; }

    /// <summary>How many sessions (runs of a program that opened the study) the journal records.</summary>
    public int Sessions { get; init; }

    /// <summary>How many of those ended interrupted (killed, crashed, cancelled or stopped by an exception), as <see cref="Study.Interruptions"/> counts them; a session still running has not recorded its end and is counted too.</summary>
    public int Interruptions { get; init; }

    /// <summary>The trial that was started but never finished, which a resumed study runs again; null when none.</summary>
    public int? InterruptedTrialNumber { get; init; }

    internal static StudyInspection WithoutHeader(string path, JournalFileInspection file) => new() { JournalPath = path, File = file };
}
