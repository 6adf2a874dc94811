using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using Checkpointing.Storage;

namespace Checkpointing.Format;

/// <summary>
/// Reads large sections: finds every chunk from the headers first, then reads, verifies and
/// decompresses the chunks on all cores straight into the destination, with no intermediate copy
/// of the whole section. Every chunk is checked against its checksum and the whole content against
/// the section's.
/// </summary>
internal static class SectionChunkReader
{
    /// <summary>Walks the chunk headers of a section, checking each against the section's bounds.</summary>
    public static List<ChunkLocation> Locate(IReadableFile file, SectionEntry section, int sectionIndex, string path)
    {
        var result = new List<ChunkLocation>(Math.Min(section.ChunkCount, 4096));
        var position = section.Offset;
        var end = section.Offset + section.StoredLength;
        long rawTotal = 0;
        Span<byte> header = stackalloc byte[FormatConstants.ChunkHeaderSize];
        while (position < end)
        {
            if (end - position < FormatConstants.ChunkHeaderSize || result.Count >= section.ChunkCount)
            {
                throw CheckpointFileReader.Corrupt(path, $"section '{section.Name}' has more bytes than its {section.ChunkCount} chunks account for (at offset {position})");
            }

            ReadExactly(file, position, header, path);
            var codec = header[6];
            var rawLength = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
            var storedLength = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
            if (BinaryPrimitives.ReadUInt32LittleEndian(header) != FormatConstants.ChunkMagic
                || BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != sectionIndex || header[7] != 0)
            {
                throw CheckpointFileReader.Corrupt(path, $"the chunk header at offset {position} is damaged");
            }

            if (!ChunkCodec.IsKnown(codec))
            {
                throw CheckpointFileReader.Corrupt(path, $"the chunk at offset {position} uses unknown codec {codec}");
            }

            if (rawLength < 0 || rawLength > FormatConstants.MaxChunkRawSize || storedLength < 0
                || storedLength > end - position - FormatConstants.ChunkHeaderSize
                || rawTotal + rawLength > section.RawLength)
            {
                throw CheckpointFileReader.Corrupt(path, $"the chunk at offset {position} declares impossible sizes (raw {rawLength}, stored {storedLength})");
            }

            result.Add(new ChunkLocation(position, codec, rawLength, storedLength, rawTotal, BinaryPrimitives.ReadUInt64LittleEndian(header[16..])));
            rawTotal += rawLength;
            position += FormatConstants.ChunkHeaderSize + storedLength;
        }

        if (result.Count != section.ChunkCount || rawTotal != section.RawLength)
        {
            throw CheckpointFileReader.Corrupt(path, $"section '{section.Name}' holds {result.Count} chunks and {rawTotal} bytes, but the manifest says {section.ChunkCount} and {section.RawLength}");
        }

        return result;
    }

    /// <summary>Checks every chunk's checksum and declared size without decompressing (what a load checks before trusting a checkpoint).</summary>
    public static void VerifyStored(IReadableFile file, SectionEntry section, int sectionIndex, string path)
    {
        var chunks = Locate(file, section, sectionIndex, path);
        RunAll(chunks.Count, i => ArrayPool<byte>.Shared.Return(ReadStored(file, chunks[i], sectionIndex, section, i, path)));
    }

    /// <summary>
    /// Reads the section's raw content into <paramref name="destination"/> (exactly the section's raw length),
    /// decoding chunks in parallel, then checks the content checksum. On failure the destination holds partial data.
    /// </summary>
    public static unsafe void ReadInto(IReadableFile file, SectionEntry section, int sectionIndex, string path, byte* destination, long length) =>
        ReadInto(file, section, sectionIndex, Locate(file, section, sectionIndex, path), path, destination, length);

    /// <summary>As <see cref="ReadInto(IReadableFile, SectionEntry, int, string, byte*, long)"/>, with the chunks already located.</summary>
    public static unsafe void ReadInto(IReadableFile file, SectionEntry section, int sectionIndex, List<ChunkLocation> chunks, string path, byte* destination, long length)
    {
        if (length != section.RawLength)
        {
            throw new ArgumentException($"The destination holds {length} bytes; section '{section.Name}' has {section.RawLength}.");
        }

        var address = (nint)destination;
        RunAll(chunks.Count, i => DecodeInto(file, chunks[i], sectionIndex, section, i, path, new Span<byte>((byte*)address + chunks[i].RawOffset, chunks[i].RawLength)));

        var hash = new XxHash3();
        for (long offset = 0; offset < length; offset += 1 << 30)
        {
            hash.Append(new ReadOnlySpan<byte>(destination + offset, (int)Math.Min(1 << 30, length - offset)));
        }

        if (CheckpointFileWriter.Hex(hash.GetCurrentHashAsUInt64()) != section.RawChecksum)
        {
            throw CheckpointFileReader.Corrupt(path, $"section '{section.Name}' fails its content checksum");
        }
    }

    /// <summary>Reads, verifies and decompresses one chunk into <paramref name="destination"/> (its raw length).</summary>
    public static void DecodeInto(IReadableFile file, ChunkLocation chunk, int sectionIndex, SectionEntry section, int chunkNumber, string path, Span<byte> destination)
    {
        if (chunk.Codec == ChunkCodec.None)
        {
            if (chunk.StoredLength != chunk.RawLength)
            {
                throw CheckpointFileReader.Corrupt(path, $"chunk {chunkNumber} of section '{section.Name}' is uncompressed but stores {chunk.StoredLength} bytes for {chunk.RawLength}");
            }

            ReadExactly(file, chunk.StoredOffset, destination, path);
            CheckChunk(chunk, sectionIndex, destination, section, chunkNumber, path);
            return;
        }

        var stored = ReadStored(file, chunk, sectionIndex, section, chunkNumber, path);
        try
        {
            ChunkCodec.Decompress(chunk.Codec, stored.AsSpan(0, chunk.StoredLength), destination);
        }
        catch (InvalidDataException ex)
        {
            throw NotDecodable(path, section, chunkNumber, ex);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(stored);
        }
    }

    /// <summary>
    /// Reads a chunk's stored bytes into a pooled buffer (the caller returns it), checking its checksum and
    /// that the bytes themselves declare the chunk's raw length.
    /// </summary>
    private static byte[] ReadStored(IReadableFile file, ChunkLocation chunk, int sectionIndex, SectionEntry section, int chunkNumber, string path)
    {
        var stored = ArrayPool<byte>.Shared.Rent(Math.Max(chunk.StoredLength, 1));
        try
        {
            var span = stored.AsSpan(0, chunk.StoredLength);
            ReadExactly(file, chunk.StoredOffset, span, path);
            CheckChunk(chunk, sectionIndex, span, section, chunkNumber, path);
            ChunkCodec.CheckDeclaredLength(chunk.Codec, span, chunk.RawLength);
            return stored;
        }
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(stored);
            if (ex is InvalidDataException invalid)
            {
                throw NotDecodable(path, section, chunkNumber, invalid);
            }

            throw;
        }
    }

    private static CheckpointCorruptException NotDecodable(string path, SectionEntry section, int chunkNumber, InvalidDataException ex) =>
        CheckpointFileReader.Corrupt(path, $"chunk {chunkNumber} of section '{section.Name}' does not decompress: {ex.Message}", ex);

    private static void CheckChunk(ChunkLocation chunk, int sectionIndex, ReadOnlySpan<byte> stored, SectionEntry section, int chunkNumber, string path)
    {
        Span<byte> header = stackalloc byte[FormatConstants.ChunkHeaderSize];
        var hash = new XxHash3();
        CheckpointFileWriter.FillChunkHeader(header, (ushort)sectionIndex, chunk.Codec, chunk.RawLength, stored, hash);
        if (BinaryPrimitives.ReadUInt64LittleEndian(header[16..]) != chunk.Checksum)
        {
            throw CheckpointFileReader.Corrupt(path, $"chunk {chunkNumber} of section '{section.Name}' (offset {chunk.FileOffset}) fails its checksum");
        }
    }

    /// <summary>Runs <paramref name="body"/> for every chunk on all cores; the first failure is rethrown as itself.</summary>
    private static void RunAll(int count, Action<int> body)
    {
        if (count <= 1 || Environment.ProcessorCount == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, body);
        }
        catch (AggregateException ex)
        {
            var first = ex.Flatten().InnerExceptions.FirstOrDefault(e => e is CheckpointException) ?? ex.Flatten().InnerExceptions[0];
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    private static void ReadExactly(IReadableFile file, long offset, Span<byte> buffer, string path) =>
        CheckpointFileReader.ReadExactly(file, offset, buffer, path);
}
