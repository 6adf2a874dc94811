namespace Checkpointing.Format;

/// <summary>Where one chunk of a section is in the file and where its bytes go in the section's raw content.</summary>
internal readonly record struct ChunkLocation(long FileOffset, byte Codec, int RawLength, int StoredLength, long RawOffset, ulong Checksum)
{
    public long StoredOffset => FileOffset + FormatConstants.ChunkHeaderSize;
}
