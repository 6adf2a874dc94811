namespace Checkpointing.Journaling;

/// <summary>One verified record read back from a <see cref="Journal"/>: its sequence number and payload.</summary>
/// <param name="Sequence">The record's sequence number (1, 2, 3, …; never reused).</param>
/// <param name="Payload">The bytes given to <see cref="Journal.Append"/>.</param>
public readonly record struct JournalRecord(long Sequence, ReadOnlyMemory<byte> Payload);
