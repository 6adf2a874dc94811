namespace Checkpointing.Cli.Reports;

/// <summary>One journal file checked by <c>ckpt verify</c>: a segment (<c>journal/segment_….log</c>) or a study's <c>study.journal</c>, named relative to its run.</summary>
/// <param name="Health"><c>Valid</c>; <c>TornTail</c> (a warning: an interrupted append that a writer cuts on open); <c>Damaged</c>, <c>AfterDamage</c> or <c>Unreadable</c> (problems).</param>
/// <param name="ProblemOffset">The byte offset of the first record that is not valid, or null.</param>
/// <param name="Problem">What is wrong there, or null.</param>
internal sealed record VerifiedJournalFile(string ProcessType, string Name, string File, string Health, long Records, long Bytes, long? ProblemOffset, string? Problem);
