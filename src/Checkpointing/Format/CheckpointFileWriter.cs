using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text.Json;
using Checkpointing.Storage;

namespace Checkpointing.Format;

/// <summary>
/// Writes one .ckpt file front to back in a single pass (no seeking back), so the same bytes can be
/// streamed to any sink: header, the chunks of each section, the manifest, the trailer.
/// </summary>
internal sealed class CheckpointFileWriter : IDisposable
{
    /// <summary>
    /// The manager stores chunks smaller than this as they are: a checkpoint this small takes one
    /// file-system block whatever its size, and compressing it costs more time than it saves.
    /// </summary>
    public const int SmallChunkLength = 2048;

    private const int BufferSize = 256 << 10;

    /// <summary>Chunks being compressed at once, per core: enough to keep every core busy while the writer waits for the oldest.</summary>
    private const int ChunksInFlightPerCore = 2;

    private const int MaxChunksInFlight = 32;

    private readonly IPendingCheckpointFile _file;
    private readonly byte _codec;
    private readonly int _chunkSize;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
    private readonly XxHash3 _payloadHash = new();
    private readonly XxHash3 _chunkHash = new();
    private readonly ArrayBufferWriter<byte> _compressed = new();
    private readonly List<SectionEntry> _sections = [];
    private readonly byte[] _nonce = new byte[FormatConstants.NonceSize];
    private readonly int _minorVersion;
    private readonly int _minCompressedLength;
    private readonly ConcurrentBag<ArrayBufferWriter<byte>> _spareOutputs = [];
    private int _buffered;
    private long _position;

    public CheckpointFileWriter(IPendingCheckpointFile file, CheckpointCompression compression, int chunkSize = FormatConstants.DefaultChunkSize, int minorVersion = FormatConstants.MinorVersion, int minCompressedLength = 0)
    {
        _file = file;
        _minCompressedLength = minCompressedLength;
        _minorVersion = minorVersion;
        _codec = ChunkCodec.FromOption(compression);
        _chunkSize = chunkSize;
        Interop.SecureRandom.Fill(_nonce);
        WriteHeader();
    }

    public IReadOnlyList<SectionEntry> Sections => _sections;

    public void WriteSection(string name, string kind, string? contentType, ReadOnlySpan<byte> raw)
    {
        var section = new SectionEntry { Name = name, Kind = kind, ContentType = contentType, Offset = _position };
        var rawHash = new XxHash3();
        rawHash.Append(raw);
        var sectionIndex = (ushort)_sections.Count;
        var offset = 0;
        do
        {
            var slice = raw.Slice(offset, Math.Min(_chunkSize, raw.Length - offset));
            WriteChunk(sectionIndex, slice);
            section.ChunkCount++;
            offset += slice.Length;
        }
        while (offset < raw.Length);

        section.RawLength = raw.Length;
        section.StoredLength = _position - section.Offset;
        section.RawChecksum = Hex(rawHash.GetCurrentHashAsUInt64());
        _sections.Add(section);
    }

    /// <summary>
    /// Writes a section pulled chunk by chunk from <paramref name="content"/>. Chunks are compressed and
    /// checksummed on all cores and written in order; at most a few chunks per core are held at once.
    /// </summary>
    public void WriteSection(string name, string kind, string? contentType, SectionContent content)
    {
        var section = new SectionEntry { Name = name, Kind = kind, ContentType = contentType, ElementType = content.ElementType, Offset = _position };
        var rawHash = new XxHash3();
        var sectionIndex = (ushort)_sections.Count;
        var parallel = Environment.ProcessorCount > 1 && (content.Length is null || content.Length > _chunkSize);
        var window = Math.Min(MaxChunksInFlight, Environment.ProcessorCount * ChunksInFlightPerCore);
        var inFlight = new Queue<(Task<EncodedChunk> Encoding, SectionChunk Raw)>();
        long rawLength = 0;
        try
        {
            while (content.TryReadChunk(_chunkSize, out var chunk))
            {
                rawHash.Append(chunk.Data.Span);
                rawLength += chunk.Data.Length;
                section.ChunkCount++;
                if (!parallel)
                {
                    try
                    {
                        WriteChunk(sectionIndex, chunk.Data.Span);
                    }
                    finally
                    {
                        chunk.Release();
                    }

                    continue;
                }

                var codec = chunk.Data.Length < _minCompressedLength ? ChunkCodec.None : _codec;
                inFlight.Enqueue((Task.Run(() => Encode(sectionIndex, codec, chunk.Data)), chunk));
                if (inFlight.Count >= window)
                {
                    EmitEncoded(inFlight.Dequeue());
                }
            }

            while (inFlight.Count > 0)
            {
                EmitEncoded(inFlight.Dequeue());
            }
        }
        finally
        {
            // On failure, wait for the chunks still being compressed: they read memory about to be returned.
            while (inFlight.Count > 0)
            {
                var (encoding, raw) = inFlight.Dequeue();
                try
                {
                    encoding.Wait();
                    ReturnOutput(encoding.Result.Output);
                }
                catch (AggregateException)
                {
                    // The first failure is already propagating.
                }

                raw.Release();
            }
        }

        section.RawLength = rawLength;
        section.StoredLength = _position - section.Offset;
        section.RawChecksum = Hex(rawHash.GetCurrentHashAsUInt64());
        _sections.Add(section);
    }

    /// <summary>Completes the manifest with the section table and checksum, writes it and the trailer, and returns the file length.</summary>
    public long Finish(Manifest manifest)
    {
        manifest.Sections = [.. _sections];
        manifest.PayloadChecksum = Hex(_payloadHash.GetCurrentHashAsUInt64());
        var manifestBytes = ManifestWriter.Write(manifest);
        var manifestOffset = _position;
        Emit(manifestBytes, hashIntoPayload: false);

        Span<byte> trailer = stackalloc byte[FormatConstants.TrailerSize];
        trailer.Clear();
        BinaryPrimitives.WriteInt64LittleEndian(trailer, manifestOffset);
        BinaryPrimitives.WriteInt32LittleEndian(trailer[8..], manifestBytes.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[16..], XxHash3.HashToUInt64(manifestBytes));
        _nonce.CopyTo(trailer[24..]);
        BinaryPrimitives.WriteUInt64LittleEndian(trailer[32..], XxHash3.HashToUInt64(trailer[..32]));
        FormatConstants.TrailerMagic.CopyTo(trailer[40..]);
        Emit(trailer, hashIntoPayload: false);
        Flush();
        return _position;
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);

    internal static string Hex(ulong value) => value.ToString("x16", CultureInfo.InvariantCulture);

    private void WriteHeader()
    {
        Span<byte> header = stackalloc byte[FormatConstants.HeaderSize];
        header.Clear();
        FormatConstants.HeaderMagic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatConstants.MajorVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(header[10..], (ushort)_minorVersion);
        _nonce.CopyTo(header[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(header[24..], XxHash3.HashToUInt64(header[..24]));
        Emit(header, hashIntoPayload: true);
    }

    private void WriteChunk(ushort sectionIndex, ReadOnlySpan<byte> raw)
    {
        var codec = ChunkCodec.Compress(raw.Length < _minCompressedLength ? ChunkCodec.None : _codec, raw, _compressed);
        var stored = _compressed.WrittenSpan;
        Span<byte> header = stackalloc byte[FormatConstants.ChunkHeaderSize];
        FillChunkHeader(header, sectionIndex, codec, raw.Length, stored, _chunkHash);
        Emit(header, hashIntoPayload: true);
        Emit(stored, hashIntoPayload: true);
    }

    /// <summary>The chunk header: magic, section, codec, sizes and XXH3-64 of the first 16 header bytes and the stored bytes.</summary>
    internal static void FillChunkHeader(Span<byte> header, ushort sectionIndex, byte codec, int rawLength, ReadOnlySpan<byte> stored, XxHash3 hash)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, FormatConstants.ChunkMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], sectionIndex);
        header[6] = codec;
        header[7] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], rawLength);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], stored.Length);
        hash.Reset();
        hash.Append(header[..16]);
        hash.Append(stored);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Runs on a worker: compresses one chunk (or keeps it as it is) and builds its header.</summary>
    private EncodedChunk Encode(ushort sectionIndex, byte codec, ReadOnlyMemory<byte> raw)
    {
        ArrayBufferWriter<byte>? output = null;
        var used = ChunkCodec.None;
        var stored = raw;
        if (codec != ChunkCodec.None)
        {
            output = _spareOutputs.TryTake(out var spare) ? spare : new ArrayBufferWriter<byte>(ZstdSharp.Compressor.GetCompressBound(_chunkSize));
            used = ChunkCodec.Compress(codec, raw.Span, output);
            stored = used == ChunkCodec.None ? raw : output.WrittenMemory;
        }

        var header = new byte[FormatConstants.ChunkHeaderSize];
        FillChunkHeader(header, sectionIndex, used, raw.Length, stored.Span, new XxHash3());
        return new EncodedChunk(header, stored, output);
    }

    private void EmitEncoded((Task<EncodedChunk> Encoding, SectionChunk Raw) item)
    {
        try
        {
            var encoded = item.Encoding.GetAwaiter().GetResult();
            Emit(encoded.Header, hashIntoPayload: true);
            Emit(encoded.Stored.Span, hashIntoPayload: true);
            ReturnOutput(encoded.Output);
        }
        finally
        {
            item.Raw.Release();
        }
    }

    private void ReturnOutput(ArrayBufferWriter<byte>? output)
    {
        if (output is not null)
        {
            output.ResetWrittenCount();
            _spareOutputs.Add(output);
        }
    }

    private void Emit(ReadOnlySpan<byte> data, bool hashIntoPayload)
    {
        if (hashIntoPayload)
        {
            _payloadHash.Append(data);
        }

        _position += data.Length;
        if (data.Length >= _buffer.Length)
        {
            Flush();
            _file.Append(data);
            return;
        }

        while (!data.IsEmpty)
        {
            var n = Math.Min(data.Length, _buffer.Length - _buffered);
            data[..n].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += n;
            data = data[n..];
            if (_buffered == _buffer.Length)
            {
                Flush();
            }
        }
    }

    private void Flush()
    {
        if (_buffered > 0)
        {
            _file.Append(_buffer.AsSpan(0, _buffered));
            _buffered = 0;
        }
    }
}
