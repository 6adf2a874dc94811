namespace Checkpointing.Journaling;

/// <summary>
/// A run's journal as <see cref="Journal.Inspect"/> found it, read-only: every segment verified record by record and
/// judged as <see cref="Journal.Open"/> would judge it, without changing a byte.
/// </summary>
public sealed record JournalInspection
{
    /// <summary>The full path of the journal's directory, <c>&lt;run&gt;/journal</c>.</summary>
    public required string Directory { get; init; }

    /// <summary>The segments, in order of their first sequence number.</summary>
    public required IReadOnlyList<JournalFileInspection> Segments { get; init; }

    /// <summary>Names of files kept aside by earlier recoveries (<c>*.damaged-*</c>, <c>*.superseded-*</c>); readers ignore them and nothing deletes them.</summary>
    public required IReadOnlyList<string> SetAside { get; init; }

    /// <summary>The sequence number of the first record (after compaction, later than 1); 1 when there are no segments.</summary>
    public long FirstSequence => Segments.Count > 0 ? Segments[0].FirstSequence : 1;

    /// <summary>The sequence number of the last record a writer opening the journal would keep; <see cref="FirstSequence"/> − 1 when it would keep none.</summary>
    public required long LastSequence { get; init; }

    /// <summary>How many records a writer opening the journal would keep (every verified record before the first damage).</summary>
    public long RecordCount => LastSequence - FirstSequence + 1;

    /// <summary>The bytes of all segments (files kept aside not included).</summary>
    public long Bytes => Segments.Sum(s => s.Bytes);

    /// <summary>True when a segment is <see cref="JournalFileHealth.Damaged"/> (committed records cannot be read back).</summary>
    public bool IsDamaged => Segments.Any(s => s.Health is JournalFileHealth.Damaged);

    /// <summary>True when the newest segment ends in a torn append, which a writer cuts on open (not damage).</summary>
    public bool HasTornTail => Segments.Any(s => s.Health is JournalFileHealth.TornTail);
}
