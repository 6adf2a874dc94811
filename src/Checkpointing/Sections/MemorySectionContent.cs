using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Checkpointing;

/// <summary>A section read straight from the caller's array or memory, chunk by chunk, without a copy.</summary>
internal sealed class MemorySectionContent<T>(string name, ReadOnlyMemory<T> data) : SectionContent(name, ElementTypes.NameOf<T>())
    where T : unmanaged
{
    private int _next;
    private bool _started;

    public override long? Length => (long)data.Length * Unsafe.SizeOf<T>();

    public override bool TryReadChunk(int maxBytes, out SectionChunk chunk)
    {
        if (_started && _next >= data.Length)
        {
            chunk = default;
            return false;
        }

        _started = true;
        var count = Math.Min(Math.Max(1, maxBytes / Unsafe.SizeOf<T>()), data.Length - _next);
        var slice = data.Slice(_next, count);
        _next += count;
        chunk = new SectionChunk(new CastMemoryManager<T>(slice).Memory);
        return true;
    }

    public override SectionContent Capture(SnapshotBlockPool? pool)
    {
        var length = Length!.Value;
        var blocks = CapturedSectionContent.CopyIntoBlocks(length, Unsafe.SizeOf<T>(), pool, (block, offset) =>
            MemoryMarshal.AsBytes(data.Span.Slice((int)(offset / Unsafe.SizeOf<T>()), block.Length / Unsafe.SizeOf<T>())).CopyTo(block.Span));
        return new CapturedSectionContent(Name, ElementType, Unsafe.SizeOf<T>(), blocks, length);
    }
}
