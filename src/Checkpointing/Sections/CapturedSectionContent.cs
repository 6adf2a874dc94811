using Checkpointing.Format;

namespace Checkpointing;

/// <summary>A section copied into blocks the snapshot owns, for a save that runs in the background.</summary>
/// <remarks>Chunks are cut as <see cref="MemorySectionContent{T}"/> cuts them (whole elements), so a background save writes the same bytes as a direct one.</remarks>
internal sealed class CapturedSectionContent(string name, string elementType, int elementSize, List<(byte[] Block, int Used)> blocks, long length) : SectionContent(name, elementType)
{
    /// <summary>Bytes per pooled block; each block holds a whole number of elements, and chunks never straddle blocks.</summary>
    public const int BlockSize = 64 << 20;

    private int _block;
    private int _offset;
    private bool _started;

    public override long? Length => length;

    /// <summary>
    /// Copies <paramref name="length"/> bytes produced by <paramref name="copy"/> (given the destination
    /// block and the source offset of its first byte) into pooled blocks, several blocks at once.
    /// Each block holds a whole number of elements.
    /// </summary>
    public static List<(byte[] Block, int Used)> CopyIntoBlocks(long length, int elementSize, SnapshotBlockPool? pool, Action<Memory<byte>, long> copy)
    {
        // A whole number of the writer's chunks (each a whole number of elements) per block.
        var chunkBytes = Math.Max(1, FormatConstants.DefaultChunkSize / elementSize) * elementSize;
        var perBlock = Math.Max(1, BlockSize / chunkBytes) * chunkBytes;
        var blocks = new List<(byte[] Block, int Used)>((int)(length / perBlock) + 1);
        for (long offset = 0; offset < length; offset += perBlock)
        {
            var used = (int)Math.Min(perBlock, length - offset);
            blocks.Add((NewBlock(used, pool), used));
        }

        Parallel.For(0, blocks.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            copy(blocks[i].Block.AsMemory(0, blocks[i].Used), (long)i * perBlock));
        return blocks;
    }

    /// <summary>
    /// A block for <paramref name="used"/> bytes: a pooled <see cref="BlockSize"/> block when it will be at
    /// least half full, else an array of exactly that size (a pooled block per small section would hold
    /// 64 MiB for a few bytes: forty one-element sections would take 2.5 GiB).
    /// </summary>
    public static byte[] NewBlock(int used, SnapshotBlockPool? pool) =>
        pool is not null && used >= BlockSize / 2 ? pool.Rent() : GC.AllocateUninitializedArray<byte>(used);

    /// <summary>Gives the blocks back once the save that used them is over.</summary>
    public void ReturnBlocks(SnapshotBlockPool pool)
    {
        foreach (var (block, _) in blocks)
        {
            pool.Return(block);
        }

        blocks.Clear();
    }

    public override bool TryReadChunk(int maxBytes, out SectionChunk chunk)
    {
        while (_block < blocks.Count && _offset >= blocks[_block].Used)
        {
            _block++;
            _offset = 0;
        }

        if (_block >= blocks.Count)
        {
            chunk = new SectionChunk(ReadOnlyMemory<byte>.Empty);
            var first = !_started;
            _started = true;
            return first;
        }

        _started = true;
        var (block, used) = blocks[_block];
        var count = Math.Min(Math.Max(1, maxBytes / elementSize) * elementSize, used - _offset);
        chunk = new SectionChunk(block.AsMemory(_offset, count));
        _offset += count;
        return true;
    }

    public override SectionContent Capture(SnapshotBlockPool? pool) => this;
}
