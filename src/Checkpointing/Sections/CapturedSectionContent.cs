namespace Checkpointing;

/// <summary>A section copied into blocks the snapshot owns, for a save that runs in the background.</summary>
internal sealed class CapturedSectionContent(string name, string elementType, IReadOnlyList<byte[]> blocks, long length) : SectionContent(name, elementType)
{
    /// <summary>Block size: a multiple of every chunk size the writer uses, so chunks never straddle blocks.</summary>
    public const int BlockSize = 64 << 20;

    private int _block;
    private int _offset;
    private bool _started;

    public override long? Length => length;

    /// <summary>Blocks for <paramref name="length"/> bytes, uninitialised (the copy fills them), each a whole number of elements.</summary>
    public static List<byte[]> Allocate(long length, int elementSize)
    {
        var blockSize = BlockSize / elementSize * elementSize;
        var blocks = new List<byte[]>((int)(length / blockSize) + 1);
        for (var remaining = length; remaining > 0; remaining -= blockSize)
        {
            blocks.Add(GC.AllocateUninitializedArray<byte>((int)Math.Min(blockSize, remaining)));
        }

        return blocks;
    }

    public override bool TryReadChunk(int maxBytes, out SectionChunk chunk)
    {
        while (_block < blocks.Count && _offset >= blocks[_block].Length)
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
        var block = blocks[_block];
        var count = Math.Min(maxBytes, block.Length - _offset);
        chunk = new SectionChunk(block.AsMemory(_offset, count));
        _offset += count;
        return true;
    }

    public override SectionContent Capture() => this;
}
