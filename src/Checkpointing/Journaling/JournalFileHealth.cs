namespace Checkpointing.Journaling;

/// <summary>What <see cref="Journal.Inspect"/> or <see cref="Studies.Study.Inspect"/> found in one journal file, judged as a writer opening it would judge it.</summary>
public enum JournalFileHealth
{
    /// <summary>Every record verified, to the last byte of the file.</summary>
    Valid = 0,

    /// <summary>
    /// The file ends in an incomplete or unverifiable record with nothing verifiable after it: what a crash during an
    /// append leaves. Those bytes were never committed; a writer cuts them when it opens the journal, losing nothing
    /// that was committed. Not damage.
    /// </summary>
    TornTail = 1,

    /// <summary>
    /// Committed records are unreadable: a record fails verification with verifiable records after it (or in a segment
    /// that has a later one), the header is missing, or a segment is missing before this one. A writer keeps the records
    /// before the damage and moves the rest aside, with a warning.
    /// </summary>
    Damaged = 2,

    /// <summary>A segment after a damaged one: a writer moves it aside and never reads its records.</summary>
    AfterDamage = 3,
}
