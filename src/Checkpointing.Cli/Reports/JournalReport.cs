namespace Checkpointing.Cli.Reports;

/// <summary>A run's journal (<c>journal/</c>, written by a WorkList, JournaledState or Journal), every segment verified.</summary>
/// <param name="Records">Records a writer opening the journal would keep (those before any damage).</param>
/// <param name="FirstSequence">The first record's sequence number (later than 1 after compaction).</param>
/// <param name="LastSequence">The last kept record's sequence number; <paramref name="FirstSequence"/> − 1 when there is none.</param>
/// <param name="Health"><c>Valid</c>, <c>TornTail</c> (an interrupted append a writer cuts on open; not damage), <c>Damaged</c>, or <c>Unreadable</c> (a newer format, or an I/O error).</param>
/// <param name="Problem">The first problem found, or null.</param>
/// <param name="SetAsideCount">Files kept aside by earlier recoveries (<c>*.damaged-*</c>, <c>*.superseded-*</c>), not checked.</param>
/// <param name="Snapshot">The newest checkpoint that is a journal snapshot, or null.</param>
/// <param name="Segments">Every segment; null in <c>ckpt list</c>.</param>
internal sealed record JournalReport(
    int SegmentCount,
    long Records,
    long FirstSequence,
    long LastSequence,
    long Bytes,
    string Health,
    string? Problem,
    int SetAsideCount,
    SnapshotRow? Snapshot,
    IReadOnlyList<SegmentRow>? Segments);
