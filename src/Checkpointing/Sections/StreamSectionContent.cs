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
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw StreamFailed(ex);
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
            int read;
            try
            {
                read = stream.ReadAtLeast(block, block.Length, throwOnEndOfStream: false);
            }
            catch (Exception ex)
            {
                pool?.Return(block);
                throw StreamFailed(ex);
            }

            total += read;
            if (read == 0)
            {
                pool?.Return(block);
                break;
            }

            if (read < block.Length)
            {
                // The last block: keep a small remainder in an array of its own size, not in a 64 MiB block.
                if (read < CapturedSectionContent.BlockSize / 2)
                {
                    var exact = CapturedSectionContent.NewBlock(read, pool: null);
                    block.AsSpan(0, read).CopyTo(exact);
                    pool?.Return(block);
                    block = exact;
                }

                blocks.Add((block, read));
                break;
            }

            blocks.Add((block, read));
        }

        return new CapturedSectionContent(Name, ElementType, 1, blocks, total);
    }


    private CheckpointSerializationException StreamFailed(Exception ex) => ex as CheckpointSerializationException ?? new(
        $"Reading the stream of section '{Name}' failed: {ex.Message.TrimEnd('.')}. Nothing was saved; earlier checkpoints are untouched.", ex);

}
