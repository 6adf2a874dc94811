using Checkpointing.Storage;

namespace Checkpointing.Micro;

/// <summary>
/// A pending checkpoint file that collects the writer's bytes in a buffer it keeps between
/// operations, so a benchmark measures the writer and not the growth of its sink.
/// </summary>
internal sealed class MemoryPendingFile(int capacity) : IPendingCheckpointFile
{
    private byte[] _bytes = new byte[capacity];
    private int _length;

    public long Length => _length;

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, _length);

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_length + data.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + data.Length));
        }

        data.CopyTo(_bytes.AsSpan(_length));
        _length += data.Length;
    }

    public void Reset() => _length = 0;

    public void Publish()
    {
    }

    public void Dispose()
    {
    }
}
