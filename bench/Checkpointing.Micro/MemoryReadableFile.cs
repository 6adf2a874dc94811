using Checkpointing.Storage;

namespace Checkpointing.Micro;

/// <summary>A readable file over a byte array.</summary>
internal sealed class MemoryReadableFile(byte[] bytes) : IReadableFile
{
    public long Length => bytes.Length;

    public int ReadAt(long offset, Span<byte> buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= bytes.Length)
        {
            return 0;
        }

        var n = (int)Math.Min(buffer.Length, bytes.Length - offset);
        bytes.AsSpan((int)offset, n).CopyTo(buffer);
        return n;
    }

    public void Dispose()
    {
    }
}
