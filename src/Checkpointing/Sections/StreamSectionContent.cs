using System.Buffers;

namespace Checkpointing;

/// <summary>A section read from a stream, from its current position to its end, at save time.</summary>
internal sealed class StreamSectionContent(string name, Stream stream) : SectionContent(name, ElementTypes.Bytes)
{
    private bool _started;
    private bool _ended;

    public override long? Length => null;

    public override bool TryReadChunk(int maxBytes, out SectionChunk chunk)
    {
        if (_ended)
        {
            chunk = default;
            return false;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(maxBytes);
        int read;
        try
        {
            read = stream.ReadAtLeast(buffer.AsSpan(0, maxBytes), maxBytes, throwOnEndOfStream: false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        _ended = read < maxBytes;
        if (read == 0 && _started)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            chunk = default;
            return false;
        }

        _started = true;
        chunk = new SectionChunk(buffer.AsMemory(0, read), buffer);
        return true;
    }

    public override SectionContent Capture(SnapshotBlockPool? pool)
    {
        var blocks = new List<(byte[] Block, int Used)>();
        long total = 0;
        while (true)
        {
            var block = pool?.Rent() ?? GC.AllocateUninitializedArray<byte>(CapturedSectionContent.BlockSize);
            var read = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
            total += read;
            if (read == 0)
            {
                pool?.Return(block);
                break;
            }

            blocks.Add((block, read));
            if (read < block.Length)
            {
                break;
            }
        }

        return new CapturedSectionContent(Name, ElementType, blocks, total);
    }

}
