namespace Checkpointing.Journaling;

/// <summary>What <see cref="SegmentFile.Scan"/> found.</summary>
/// <param name="HeaderValid">The file starts with a complete journal header.</param>
/// <param name="ValidLength">The end of the last valid record (the header size when there is none; 0 when the header is invalid).</param>
/// <param name="FileLength">The file's length.</param>
/// <param name="NextSequence">The sequence number after the last valid record.</param>
/// <param name="TailHasValidRecords">A verifiable later record starts after the damage (so the tail is damage, not a torn write).</param>
internal readonly record struct SegmentScan(bool HeaderValid, long ValidLength, long FileLength, long NextSequence, bool TailHasValidRecords);
