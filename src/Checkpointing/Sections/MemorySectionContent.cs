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

    public override SectionContent Capture()
    {
        var blocks = CapturedSectionContent.Allocate(Length!.Value, Unsafe.SizeOf<T>());
        var source = data.Span;
        var copied = 0;
        foreach (var block in blocks)
        {
            var elements = block.Length / Unsafe.SizeOf<T>();
            MemoryMarshal.AsBytes(source.Slice(copied, elements)).CopyTo(block);
            copied += elements;
        }

        return new CapturedSectionContent(Name, ElementType, blocks, Length.Value);
    }
}
