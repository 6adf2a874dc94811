namespace Checkpointing.RecordLog;

/// <summary>One verified record of an <see cref="AppendOnlyLog"/>: its sequence number, payload and file offset.</summary>
internal readonly record struct LogRecord(long Sequence, ReadOnlyMemory<byte> Payload, long Offset);
