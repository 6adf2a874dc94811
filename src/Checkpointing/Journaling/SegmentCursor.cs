using System.Buffers;
using Checkpointing.RecordLog;
using Checkpointing.Storage;

namespace Checkpointing.Journaling;

/// <summary>
/// Reads the records of one segment front to back through a window, verifying each: the first record that is
/// incomplete, out of sequence or fails its checksum ends the valid part. <see cref="Payload"/> points into the
/// window and is valid until the next <see cref="MoveNext"/>.
/// </summary>
internal sealed class SegmentCursor : IDisposable
{
    private const int WindowSize = 1 << 20;

    private readonly IReadableFile _file;
    private readonly string _path;
    private readonly long _length;
    private byte[] _window;
    private long _windowStart;
    private int _windowLength;

    public SegmentCursor(IReadableFile file, string path, long firstSequence, long startOffset = SegmentFile.HeaderSize)
    {
        _file = file;
        _path = path;
        _length = file.Length;
        _window = ArrayPool<byte>.Shared.Rent(WindowSize);
        NextSequence = firstSequence;
        Offset = startOffset;
    }

    /// <summary>The end of the last valid record read (the start of the next one).</summary>
    public long Offset { get; private set; }

    /// <summary>The sequence number the next record must have.</summary>
    public long NextSequence { get; private set; }

    /// <summary>The file's length when the cursor was made.</summary>
    public long Length => _length;

    public long Sequence { get; private set; }

    public ReadOnlyMemory<byte> Payload { get; private set; }

    /// <summary>Moves to the next valid record; false at the end of the valid records.</summary>
    public bool MoveNext()
    {
        var remaining = _length - Offset;
        if (remaining < RecordFraming.Overhead || !Ensure(Offset, RecordFraming.HeaderSize))
        {
            return false;
        }

        var at = (int)(Offset - _windowStart);
        if (!RecordFraming.TryReadHeader(_window.AsSpan(at, RecordFraming.HeaderSize), NextSequence, NextSequence, remaining, out var payloadLength, out _))
        {
            return false;
        }

        var total = RecordFraming.Overhead + payloadLength;
        if (!Ensure(Offset, total))
        {
            return false;
        }

        at = (int)(Offset - _windowStart);
        if (!RecordFraming.ChecksumMatches(_window.AsSpan(at, total)))
        {
            return false;
        }

        Sequence = NextSequence;
        Payload = _window.AsMemory(at + RecordFraming.HeaderSize, payloadLength);
        Offset += total;
        NextSequence++;
        return true;
    }

    /// <summary>
    /// True when a verifiable record with a sequence number of at least <paramref name="minSequence"/> starts anywhere
    /// at or after <paramref name="from"/>: then the bytes there are damage, not just a torn end. Also true when the
    /// search exceeds <see cref="RecordFraming.SearchBudget"/> (hostile bytes), which keeps the tail as damage.
    /// </summary>
    public bool HasValidRecordAfter(long from, long minSequence)
    {
        var maxSequence = minSequence + (_length - from);
        var budget = RecordFraming.SearchBudget(_length - from);
        for (var p = from; p + RecordFraming.Overhead <= _length; p++)
        {
            if (!Ensure(p, RecordFraming.HeaderSize))
            {
                return false;
            }

            var at = (int)(p - _windowStart);
            if (!RecordFraming.TryReadHeader(_window.AsSpan(at, RecordFraming.HeaderSize), minSequence, maxSequence, _length - p, out var payloadLength, out _))
            {
                continue;
            }

            var total = RecordFraming.Overhead + payloadLength;
            budget -= total;
            if (budget < 0)
            {
                return true;
            }

            if (Ensure(p, total) && RecordFraming.ChecksumMatches(_window.AsSpan((int)(p - _windowStart), total)))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        var window = _window;
        _window = [];
        if (window.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(window);
        }
    }

    /// <summary>Makes bytes [offset, offset + count) available in the window; false when the file ends before.</summary>
    private bool Ensure(long offset, int count)
    {
        if (offset >= _windowStart && offset + count <= _windowStart + _windowLength)
        {
            return true;
        }

        if (_window.Length < count)
        {
            ArrayPool<byte>.Shared.Return(_window);
            _window = ArrayPool<byte>.Shared.Rent(count);
        }

        var want = (int)Math.Min(_window.Length, _length - offset);
        _windowStart = offset;
        _windowLength = Read(offset, _window.AsSpan(0, want));
        return _windowLength >= count;
    }

    private int Read(long offset, Span<byte> buffer)
    {
        try
        {
            return _file.ReadAt(offset, buffer);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw StorageErrors.From("read (journal)", _path, ex, StorageErrors.RecordsKept);
        }
    }
}
