using System.Diagnostics;

namespace Downloads;

/// <summary>
/// The server's view of one series body: seekable (so ASP.NET Core can serve byte ranges), paced
/// to a bandwidth like a remote provider, and optionally ending after a number of bytes. Kestrel
/// then closes the connection short of the announced Content-Length: to the client, a connection
/// that broke mid-body, with every byte before the break delivered.
/// </summary>
internal sealed class ThrottledStream(byte[] content, long bytesPerSecond, long? cutAfter) : Stream
{
    private const int ChunkBytes = 16 * 1024;

    private readonly MemoryStream _inner = new(content, writable: false);
    private long _sent;
    private long _started;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => _inner.Length;

    public override long Position
    {
        get => _inner.Position;
        set => _inner.Position = value;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var count = NextCount(buffer.Length);
        var read = _inner.Read(buffer.Span[..count]);
        _sent += read;
        if (Pause() is { } pause)
        {
            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = NextCount(count);
        var read = _inner.Read(buffer, offset, n);
        _sent += read;
        if (Pause() is { } pause)
        {
            Thread.Sleep(pause);
        }

        return read;
    }

    public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private int NextCount(int requested)
    {
        if (_started == 0)
        {
            _started = Stopwatch.GetTimestamp();
        }

        var count = Math.Min(requested, ChunkBytes);
        if (cutAfter is { } limit)
        {
            if (_sent >= limit)
            {
                return 0;
            }

            count = (int)Math.Min(count, limit - _sent);
        }

        return count;
    }

    private TimeSpan? Pause()
    {
        if (bytesPerSecond <= 0)
        {
            return null;
        }

        var due = TimeSpan.FromSeconds((double)_sent / bytesPerSecond);
        var pause = due - Stopwatch.GetElapsedTime(_started);
        return pause > TimeSpan.FromMilliseconds(1) ? pause : null;
    }
}
