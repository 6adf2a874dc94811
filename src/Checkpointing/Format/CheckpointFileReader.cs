using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text.Json;
using Checkpointing.Storage;

namespace Checkpointing.Format;

/// <summary>
/// Reads and verifies .ckpt files. Nothing read from a file is trusted: every length is checked
/// against the file's real size and the format's bounds before anything is allocated, and every
/// byte is covered by a checksum. Failures are <see cref="CheckpointCorruptException"/> or, for a
/// file from a newer major format version, <see cref="CheckpointVersionException"/>.
/// </summary>
internal static class CheckpointFileReader
{
    public const int MinimumFileSize = FormatConstants.HeaderSize + FormatConstants.TrailerSize;

    /// <summary>Reads the header, trailer and manifest (not the payload) and checks that they agree.</summary>
    public static Manifest ReadManifest(IReadableFile file, string path)
    {
        var length = file.Length;
        if (length < MinimumFileSize)
        {
            throw Corrupt(path, length == 0
                ? "the file is empty (a write that never completed)"
                : $"the file is {length} bytes, shorter than the {MinimumFileSize}-byte minimum of a checkpoint (truncated)");
        }

        Span<byte> header = stackalloc byte[FormatConstants.HeaderSize];
        ReadExactly(file, 0, header, path);
        if (!header[..8].SequenceEqual(FormatConstants.HeaderMagic))
        {
            throw Corrupt(path, "it does not start with the .ckpt magic bytes, so it is not a Checkpointing file (or its first bytes were overwritten)");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(header[24..]) != XxHash3.HashToUInt64(header[..24]))
        {
            throw Corrupt(path, "the header checksum does not match (the header is damaged)");
        }

        var major = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        var minor = BinaryPrimitives.ReadUInt16LittleEndian(header[10..]);
        if (major != FormatConstants.MajorVersion)
        {
            throw new CheckpointVersionException(
                $"Checkpoint '{path}' uses format version {major}.{minor}, but this version of Checkpointing reads only format {FormatConstants.MajorVersion}.x. " +
                (major > FormatConstants.MajorVersion ? "It was written by a newer Checkpointing; upgrade the library to load it." : "It is from an unsupported older format."),
                path,
                major);
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != 0)
        {
            throw Corrupt(path, "the header has flags set that format 1.x does not define");
        }

        Span<byte> trailer = stackalloc byte[FormatConstants.TrailerSize];
        ReadExactly(file, length - FormatConstants.TrailerSize, trailer, path);
        if (!trailer[40..].SequenceEqual(FormatConstants.TrailerMagic))
        {
            throw Corrupt(path, "it does not end with the trailer magic (the file is truncated, or bytes were appended after it)");
        }

        if (BinaryPrimitives.ReadUInt64LittleEndian(trailer[32..]) != XxHash3.HashToUInt64(trailer[..32]))
        {
            throw Corrupt(path, "the trailer checksum does not match (the trailer is damaged)");
        }

        if (!trailer.Slice(24, FormatConstants.NonceSize).SequenceEqual(header.Slice(16, FormatConstants.NonceSize)))
        {
            throw Corrupt(path, "the header and trailer come from different files (pieces of two checkpoints were joined)");
        }

        var manifestOffset = BinaryPrimitives.ReadInt64LittleEndian(trailer);
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(trailer[8..]);
        if (manifestLength <= 0 || manifestLength > FormatConstants.MaxManifestSize
            || manifestOffset < FormatConstants.HeaderSize
            || manifestOffset + manifestLength + FormatConstants.TrailerSize != length)
        {
            throw Corrupt(path, $"the trailer places the manifest at offset {manifestOffset} with length {manifestLength}, which does not fit a {length}-byte file");
        }

        var manifestBytes = new byte[manifestLength];
        ReadExactly(file, manifestOffset, manifestBytes, path);
        if (XxHash3.HashToUInt64(manifestBytes) != BinaryPrimitives.ReadUInt64LittleEndian(trailer[16..]))
        {
            throw Corrupt(path, "the manifest checksum does not match (the metadata is damaged)");
        }

        Manifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(manifestBytes, ManifestJsonContext.Default.Manifest);
        }
        catch (JsonException ex)
        {
            throw Corrupt(path, "the manifest is not valid: " + ex.Message, ex);
        }

        if (manifest is null)
        {
            throw Corrupt(path, "the manifest is empty");
        }

        ValidateManifest(manifest, manifestOffset, major, path);
        return manifest;
    }

    /// <summary>Reads one section's raw content, verifying every chunk and the section checksum.</summary>
    public static ReadOnlyMemory<byte> ReadSection(IReadableFile file, Manifest manifest, string sectionName, string path)
    {
        var index = manifest.Sections.FindIndex(s => s.Name == sectionName);
        if (index < 0)
        {
            throw Corrupt(path, $"it has no '{sectionName}' section");
        }

        var section = manifest.Sections[index];
        if (section.RawLength > Array.MaxLength)
        {
            throw Corrupt(path, $"section '{sectionName}' declares {section.RawLength} bytes, more than one in-memory section can hold");
        }

        var output = new ArrayBufferWriter<byte>((int)Math.Clamp(section.RawLength, 1, 4 << 20));
        ReadChunks(file, section, index, path, null, chunk => output.Write(chunk));
        return output.WrittenMemory;
    }

    /// <summary>Reads every byte of the file and checks every checksum, including the whole-payload one.</summary>
    public static void VerifyAll(IReadableFile file, Manifest manifest, string path)
    {
        var payloadHash = new XxHash3();
        Span<byte> header = stackalloc byte[FormatConstants.HeaderSize];
        ReadExactly(file, 0, header, path);
        payloadHash.Append(header);
        for (var i = 0; i < manifest.Sections.Count; i++)
        {
            ReadChunks(file, manifest.Sections[i], i, path, payloadHash, static _ => { });
        }

        if (CheckpointFileWriter.Hex(payloadHash.GetCurrentHashAsUInt64()) != manifest.PayloadChecksum)
        {
            throw Corrupt(path, "the whole-payload checksum does not match");
        }
    }

    private static void ReadChunks(IReadableFile file, SectionEntry section, int sectionIndex, string path, XxHash3? payloadHash, Action<ReadOnlySpan<byte>> sink)
    {
        var rawHash = new XxHash3();
        var chunkHash = new XxHash3();
        var position = section.Offset;
        var end = section.Offset + section.StoredLength;
        long rawTotal = 0;
        var chunks = 0;
        Span<byte> header = stackalloc byte[FormatConstants.ChunkHeaderSize];
        byte[]? stored = null;
        byte[]? raw = null;
        try
        {
            while (position < end)
            {
                if (end - position < FormatConstants.ChunkHeaderSize)
                {
                    throw Corrupt(path, $"section '{section.Name}' ends inside a chunk header at offset {position}");
                }

                ReadExactly(file, position, header, path);
                var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
                var chunkSection = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
                var codec = header[6];
                var rawLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
                var storedLength = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
                if (magic != FormatConstants.ChunkMagic || chunkSection != sectionIndex || header[7] != 0)
                {
                    throw Corrupt(path, $"the chunk header at offset {position} is damaged");
                }

                if (!ChunkCodec.IsKnown(codec))
                {
                    throw Corrupt(path, $"the chunk at offset {position} uses unknown codec {codec}");
                }

                if (rawLength < 0 || rawLength > FormatConstants.MaxChunkRawSize || storedLength < 0
                    || storedLength > end - position - FormatConstants.ChunkHeaderSize
                    || rawTotal + rawLength > section.RawLength)
                {
                    throw Corrupt(path, $"the chunk at offset {position} declares impossible sizes (raw {rawLength}, stored {storedLength})");
                }

                stored = Rent(ref stored, storedLength);
                ReadExactly(file, position + FormatConstants.ChunkHeaderSize, stored.AsSpan(0, storedLength), path);
                chunkHash.Reset();
                chunkHash.Append(header[..16]);
                chunkHash.Append(stored.AsSpan(0, storedLength));
                if (chunkHash.GetCurrentHashAsUInt64() != BinaryPrimitives.ReadUInt64LittleEndian(header[16..]))
                {
                    throw Corrupt(path, $"chunk {chunks} of section '{section.Name}' (offset {position}) fails its checksum");
                }

                payloadHash?.Append(header);
                payloadHash?.Append(stored.AsSpan(0, storedLength));
                try
                {
                    ChunkCodec.CheckDeclaredLength(codec, stored.AsSpan(0, storedLength), rawLength);
                    raw = Rent(ref raw, rawLength);
                    ChunkCodec.Decompress(codec, stored.AsSpan(0, storedLength), raw.AsSpan(0, rawLength));
                }
                catch (InvalidDataException ex)
                {
                    throw Corrupt(path, $"chunk {chunks} of section '{section.Name}' does not decompress: {ex.Message}", ex);
                }

                rawHash.Append(raw.AsSpan(0, rawLength));
                sink(raw.AsSpan(0, rawLength));
                rawTotal += rawLength;
                chunks++;
                position += FormatConstants.ChunkHeaderSize + storedLength;
            }
        }
        finally
        {
            if (stored is not null)
            {
                ArrayPool<byte>.Shared.Return(stored);
            }

            if (raw is not null)
            {
                ArrayPool<byte>.Shared.Return(raw);
            }
        }

        if (chunks != section.ChunkCount || rawTotal != section.RawLength)
        {
            throw Corrupt(path, $"section '{section.Name}' holds {chunks} chunks and {rawTotal} bytes, but the manifest says {section.ChunkCount} and {section.RawLength}");
        }

        if (CheckpointFileWriter.Hex(rawHash.GetCurrentHashAsUInt64()) != section.RawChecksum)
        {
            throw Corrupt(path, $"section '{section.Name}' fails its content checksum");
        }
    }

    private static byte[] Rent(ref byte[]? current, int size)
    {
        if (current is not null && current.Length >= size)
        {
            return current;
        }

        if (current is not null)
        {
            ArrayPool<byte>.Shared.Return(current);
        }

        current = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        return current;
    }

    private static void ValidateManifest(Manifest m, long manifestOffset, int headerMajor, string path)
    {
        if (string.IsNullOrEmpty(m.FormatVersion) || !m.FormatVersion.StartsWith($"{headerMajor}.", StringComparison.Ordinal))
        {
            throw Corrupt(path, $"the manifest's format version '{m.FormatVersion}' disagrees with the header");
        }

        if (string.IsNullOrEmpty(m.CheckpointId) || m.Sections is null || m.Sections.Count == 0 || m.Sections.Count > FormatConstants.MaxSections)
        {
            throw Corrupt(path, "the manifest lacks a checkpoint id or a valid section table");
        }

        m.Metrics ??= [];
        m.Tags ??= [];
        m.WriterHost ??= string.Empty;
        m.Compression ??= "none";
        m.Serializer ??= string.Empty;
        m.PayloadChecksum ??= string.Empty;
        if (!Enum.IsDefined(m.Status) || m.Tags.Values.Any(v => v is null) || m.ProcessType is null || m.Name is null)
        {
            throw Corrupt(path, "the manifest has an undefined status, a null tag or no run identity");
        }

        if (m.JournalSequence is < 0)
        {
            throw Corrupt(path, $"the manifest's journal sequence {m.JournalSequence} is negative");
        }

        var expected = (long)FormatConstants.HeaderSize;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in m.Sections)
        {
            if (s is null || string.IsNullOrEmpty(s.Name) || !names.Add(s.Name))
            {
                throw Corrupt(path, "the section table has a missing or repeated section name");
            }

            if (s.Offset != expected || s.StoredLength < 0 || s.StoredLength > manifestOffset - s.Offset || s.RawLength < 0 || s.ChunkCount < 1
                || s.ChunkCount > s.StoredLength / FormatConstants.ChunkHeaderSize
                || s.RawLength > (long)s.ChunkCount * FormatConstants.MaxChunkRawSize)
            {
                throw Corrupt(path, $"the section table entry for '{s.Name}' does not fit the file");
            }

            expected += s.StoredLength;
        }

        if (expected != manifestOffset)
        {
            throw Corrupt(path, "the sections do not end where the manifest begins");
        }

        if (!names.Contains(FormatConstants.StateSectionName))
        {
            throw Corrupt(path, "it has no 'state' section");
        }
    }

    /// <summary>Reads exactly <c>buffer.Length</c> bytes at <paramref name="offset"/>; a short read is corruption, an I/O error a storage error.</summary>
    internal static void ReadExactly(IReadableFile file, long offset, Span<byte> buffer, string path)
    {
        int n;
        try
        {
            n = file.ReadAt(offset, buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw LocalDirectoryStore.StorageError("read", path, ex);
        }

        if (n != buffer.Length)
        {
            throw Corrupt(path, $"it ends early: {buffer.Length} bytes were expected at offset {offset}");
        }
    }

    internal static CheckpointCorruptException Corrupt(string path, string reason, Exception? inner = null) =>
        new($"Checkpoint '{path}' is damaged: {reason}.", path, inner) { Reason = reason };
}
