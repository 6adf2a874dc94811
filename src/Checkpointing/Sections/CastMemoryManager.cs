using System.Buffers;
using System.Runtime.InteropServices;

namespace Checkpointing;

/// <summary>Views a slice of unmanaged elements as its bytes, without copying (the slice must be under 2 GiB).</summary>
internal sealed class CastMemoryManager<T>(ReadOnlyMemory<T> source) : MemoryManager<byte>
    where T : unmanaged
{
    public override Span<byte> GetSpan() => MemoryMarshal.AsBytes(MemoryMarshal.AsMemory(source).Span);

    public override MemoryHandle Pin(int elementIndex = 0) => throw new NotSupportedException("Section chunks are read as spans, not pinned.");

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
