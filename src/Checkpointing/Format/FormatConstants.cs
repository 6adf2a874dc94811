namespace Checkpointing.Format;

/// <summary>The fixed numbers of the .ckpt format; docs/FORMAT.md is the specification.</summary>
internal static class FormatConstants
{
    public const int MajorVersion = 1;
    public const int MinorVersion = 0;

    /// <summary>The minor version of files that use a 1.1 addition (a manifest <c>journalSequence</c>); others stay 1.0.</summary>
    public const int JournalSequenceMinorVersion = 1;

    /// <summary>The minor version of files that hold binary sections (section <c>elementType</c>).</summary>
    public const int BinarySectionsMinorVersion = 2;

    /// <summary>0x89 'C' 'K' 'P' 'T' CR LF 0x1A: a high byte and line endings catch text-mode mangling.</summary>
    public static ReadOnlySpan<byte> HeaderMagic => [0x89, (byte)'C', (byte)'K', (byte)'P', (byte)'T', 0x0D, 0x0A, 0x1A];

    /// <summary>"CKPTEND\n" closes every complete file.</summary>
    public static ReadOnlySpan<byte> TrailerMagic => "CKPTEND\n"u8;

    public const uint ChunkMagic = 0x4B4E4843; // "CHNK" little-endian

    public const int HeaderSize = 32;
    public const int ChunkHeaderSize = 24;
    public const int TrailerSize = 48;
    public const int NonceSize = 8;

    /// <summary>Raw bytes per chunk the writer uses.</summary>
    public const int DefaultChunkSize = 1 << 20;

    /// <summary>Largest raw chunk a reader accepts; larger declared sizes are corruption, not an allocation.</summary>
    public const int MaxChunkRawSize = 64 << 20;

    /// <summary>Largest manifest a reader accepts.</summary>
    public const int MaxManifestSize = 16 << 20;

    public const int MaxSections = 4096;

    public const string StateSectionName = "state";
}
