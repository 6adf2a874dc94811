using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using Checkpointing.Format;
using Checkpointing.Storage;
using Checkpointing.Testing;

namespace Checkpointing.Tests.Format;

/// <summary>Builds .ckpt files in memory and rewrites their parts with valid checksums, to craft hostile files.</summary>
internal static class CheckpointBytes
{
    public const string TestPath = "memory.ckpt";

    public static Manifest NewManifest(long step = 1) => new()
    {
        CheckpointId = CheckpointFileName.Create(step, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), 0).Id,
        ProcessType = "format",
        Name = "tests",
        Step = step,
        CreatedUtc = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero),
        WriterHost = "test-host",
        WriterProcessId = 42,
        Serializer = "raw",
    };

    public static byte[] Write(CheckpointCompression compression, int chunkSize, params (string Name, byte[] Raw)[] sections)
    {
        using var pending = new MemoryPendingFile();
        using (var writer = new CheckpointFileWriter(pending, compression, chunkSize))
        {
            foreach (var (name, raw) in sections)
            {
                writer.WriteSection(name, name == FormatConstants.StateSectionName ? "state" : "binary", null, raw);
            }

            var length = writer.Finish(NewManifest());
            Assert.Equal(length, pending.Length);
        }

        return pending.ToArray();
    }

    /// <summary>Reads the manifest and the state section, checking every checksum, as a loader does.</summary>
    public static (Manifest Manifest, byte[] State) Read(byte[] file)
    {
        using var readable = new MemoryReadableFile(file);
        var manifest = CheckpointFileReader.ReadManifest(readable, TestPath);
        var state = CheckpointFileReader.ReadSection(readable, manifest, FormatConstants.StateSectionName, TestPath);
        return (manifest, state.ToArray());
    }

    public static (long Offset, int Length) ManifestLocation(byte[] file)
    {
        var trailer = file.AsSpan(file.Length - FormatConstants.TrailerSize);
        return (BinaryPrimitives.ReadInt64LittleEndian(trailer), BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]));
    }

    public static Manifest ManifestOf(byte[] file)
    {
        var (offset, length) = ManifestLocation(file);
        return JsonSerializer.Deserialize(file.AsSpan((int)offset, length), ManifestJsonContext.Default.Manifest)!;
    }

    /// <summary>Replaces the manifest with <paramref name="change"/>'s result, with a matching manifest checksum and trailer.</summary>
    public static byte[] WithManifest(byte[] file, Action<Manifest> change)
    {
        var manifest = ManifestOf(file);
        change(manifest);
        return WithManifestBytes(file, JsonSerializer.SerializeToUtf8Bytes(manifest, ManifestJsonContext.Default.Manifest));
    }

    /// <summary>Replaces the manifest bytes (any bytes, not necessarily JSON) and writes a trailer whose checksums match.</summary>
    public static byte[] WithManifestBytes(byte[] file, byte[] manifestBytes)
    {
        var (offset, _) = ManifestLocation(file);
        var nonce = file.AsSpan(file.Length - FormatConstants.TrailerSize + 24, FormatConstants.NonceSize).ToArray();
        var result = new byte[offset + manifestBytes.Length + FormatConstants.TrailerSize];
        file.AsSpan(0, (int)offset).CopyTo(result);
        manifestBytes.CopyTo(result.AsSpan((int)offset));
        var trailer = result.AsSpan(result.Length - FormatConstants.TrailerSize);
        BinaryPrimitives.WriteInt64LittleEndian(trailer, offset);
        BinaryPrimitives.WriteInt32LittleEndian(trailer[8..], manifestBytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[16..], XxHash3.HashToUInt64(manifestBytes));
        nonce.CopyTo(trailer[24..]);
        SealTrailer(result);
        return result;
    }

    /// <summary>Overwrites the trailer's manifest location (keeping everything else) and recomputes the trailer checksum.</summary>
    public static byte[] WithTrailerLocation(byte[] file, long manifestOffset, int manifestLength)
    {
        var result = (byte[])file.Clone();
        var trailer = result.AsSpan(result.Length - FormatConstants.TrailerSize);
        BinaryPrimitives.WriteInt64LittleEndian(trailer, manifestOffset);
        BinaryPrimitives.WriteInt32LittleEndian(trailer[8..], manifestLength);
        SealTrailer(result);
        return result;
    }

    /// <summary>Sets the header's version fields and recomputes the header checksum.</summary>
    public static byte[] WithVersion(byte[] file, ushort major, ushort minor)
    {
        var result = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(8), major);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(10), minor);
        BinaryPrimitives.WriteUInt64LittleEndian(result.AsSpan(24), XxHash3.HashToUInt64(result.AsSpan(0, 24)));
        return result;
    }

    /// <summary>Rewrites the declared sizes of the chunk header at <paramref name="offset"/> and recomputes its checksum over the bytes that follow.</summary>
    public static byte[] WithChunkSizes(byte[] file, int offset, int rawLength, int storedLength)
    {
        var result = (byte[])file.Clone();
        var header = result.AsSpan(offset, FormatConstants.ChunkHeaderSize);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], rawLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], storedLength);
        var available = Math.Clamp(storedLength, 0, result.Length - offset - FormatConstants.ChunkHeaderSize);
        var hash = new XxHash3();
        hash.Append(header[..16]);
        hash.Append(result.AsSpan(offset + FormatConstants.ChunkHeaderSize, available));
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], hash.GetCurrentHashAsUInt64());
        return result;
    }

    /// <summary>
    /// Replaces the section table with three sections whose stored lengths wrap a 64-bit sum back to the
    /// manifest offset, so the "state" section starts at a negative offset. All checksums stay valid.
    /// </summary>
    public static byte[] WithOverflowingSections(byte[] file)
    {
        var manifestOffset = ManifestLocation(file).Offset;
        var second = unchecked(FormatConstants.HeaderSize + long.MaxValue);
        var third = unchecked(second + long.MaxValue);
        return WithManifest(file, m =>
        {
            var state = m.Sections.Single(s => s.Name == FormatConstants.StateSectionName);
            m.Sections =
            [
                new SectionEntry { Name = "a", Offset = FormatConstants.HeaderSize, StoredLength = long.MaxValue, ChunkCount = 1 },
                new SectionEntry { Name = FormatConstants.StateSectionName, Offset = second, StoredLength = long.MaxValue, ChunkCount = 1, RawLength = state.RawLength, RawChecksum = state.RawChecksum },
                new SectionEntry { Name = "c", Offset = third, StoredLength = manifestOffset - third, ChunkCount = 1 },
            ];
        });
    }

    /// <summary>Every chunk of every section: where its header starts, its codec and its declared sizes.</summary>
    public static IReadOnlyList<(int Offset, byte Codec, int RawLength, int StoredLength)> Chunks(byte[] file)
    {
        var result = new List<(int, byte, int, int)>();
        foreach (var section in ManifestOf(file).Sections)
        {
            var position = (int)section.Offset;
            while (position < section.Offset + section.StoredLength)
            {
                var header = file.AsSpan(position, FormatConstants.ChunkHeaderSize);
                var stored = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
                result.Add((position, header[6], BinaryPrimitives.ReadInt32LittleEndian(header[8..]), stored));
                position += FormatConstants.ChunkHeaderSize + stored;
            }
        }

        return result;
    }

    /// <summary>Recomputes the checksum of the chunk whose header starts at <paramref name="offset"/> over its current bytes.</summary>
    public static void ResealChunk(byte[] file, int offset)
    {
        var header = file.AsSpan(offset, FormatConstants.ChunkHeaderSize);
        var stored = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var hash = new XxHash3();
        hash.Append(header[..16]);
        hash.Append(file.AsSpan(offset + FormatConstants.ChunkHeaderSize, stored));
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], hash.GetCurrentHashAsUInt64());
    }

    private static void SealTrailer(byte[] file)
    {
        var trailer = file.AsSpan(file.Length - FormatConstants.TrailerSize);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[32..], XxHash3.HashToUInt64(trailer[..32]));
        FormatConstants.TrailerMagic.CopyTo(trailer[40..]);
    }
}
