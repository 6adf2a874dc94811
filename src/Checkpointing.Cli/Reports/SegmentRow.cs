namespace Checkpointing.Cli.Reports;

/// <summary>One journal file: a segment of <c>journal/</c>, or a study's <c>study.journal</c>.</summary>
/// <param name="LastSequence">The last verified record's sequence number; null when the file holds none.</param>
/// <param name="ValidBytes">Where the verified records end.</param>
/// <param name="Health"><c>Valid</c>, <c>TornTail</c>, <c>Damaged</c> or <c>AfterDamage</c> (a segment after a damaged one, never read by a writer).</param>
/// <param name="ProblemOffset">The byte offset of the first record that is not valid, or null.</param>
internal sealed record SegmentRow(
    string FileName,
    long FirstSequence,
    long? LastSequence,
    long Records,
    long Bytes,
    long ValidBytes,
    string Health,
    long? ProblemOffset,
    string? Problem);
