using System.Buffers;
using System.IO.Hashing;
using Checkpointing.Format;
using Checkpointing.Storage;

namespace Checkpointing;

/// <summary>
/// A binary section read front to back, one verified chunk at a time. The content checksum is
/// checked when the last byte is read; a damaged chunk fails the read that reaches it.
/// </summary>
internal sealed class SectionReadStream(IReadableFile file, SectionEntry section, int sectionIndex, List<ChunkLocation> chunks, string path) : Stream
{
    private readonly XxHash3 _hash = new();
    private byte[]? _chunk;
    private int _chunkLength;
    private int _chunkPosition;
    private int _nextChunk;
    private long _position;
    private CheckpointCorruptException? _failure;

    public override bool CanRead => _nextChunk >= 0;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => section.RawLength;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException("A section stream reads front to back; open it again to start over.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_nextChunk < 0, this);
        if (_failure is not null)
        {
            // Once verification failed, nothing more comes out of this stream (not even the rest of the failed chunk).
            throw _failure;
        }

        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunkPosition == _chunkLength)
        {
            if (_nextChunk >= chunks.Count)
            {
                return 0;
            }

            try
            {
                LoadNextChunk();
            }
            catch (CheckpointCorruptException ex)
            {
                _failure = ex;
                throw;
            }
        }

        var n = Math.Min(buffer.Length, _chunkLength - _chunkPosition);
        _chunk.AsSpan(_chunkPosition, n).CopyTo(buffer);
        _chunkPosition += n;
        _position += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A section stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A section stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("A section stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
                _chunk = null;
            }

            _nextChunk = -1;
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    private void LoadNextChunk()
    {
        var location = chunks[_nextChunk];
        if (_chunk is null || _chunk.Length < location.RawLength)
        {
            if (_chunk is not null)
            {
                ArrayPool<byte>.Shared.Return(_chunk);
            }

            _chunk = ArrayPool<byte>.Shared.Rent(Math.Max(location.RawLength, 1));
        }

        SectionChunkReader.DecodeInto(file, location, sectionIndex, section, _nextChunk, path, _chunk.AsSpan(0, location.RawLength));
        _hash.Append(_chunk.AsSpan(0, location.RawLength));
        _chunkLength = location.RawLength;
        _chunkPosition = 0;
        _nextChunk++;
        if (_nextChunk == chunks.Count && CheckpointFileWriter.Hex(_hash.GetCurrentHashAsUInt64()) != section.RawChecksum)
        {
            throw CheckpointFileReader.Corrupt(path, $"section '{section.Name}' fails its content checksum");
        }
    }
}
