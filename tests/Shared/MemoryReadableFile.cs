using Checkpointing.Storage;

namespace Checkpointing.Testing;

/// <summary>
/// A readable file over a byte array, for the tests, the micro-benchmarks and the fuzz targets (linked into each).
/// A read at a negative offset throws <see cref="ArgumentOutOfRangeException"/>: a reader bug, which a real pread
/// would turn into a storage error and hide, and which no reader documents (so the fuzzer counts it as a crash).
/// </summary>
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
