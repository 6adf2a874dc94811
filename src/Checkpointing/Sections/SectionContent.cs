using System.Buffers;

namespace Checkpointing;

/// <summary>
/// The bytes of one binary section as the writer pulls them: chunk by chunk, in order, so that a
/// section is never held twice in memory. Chunks handed out stay valid until released, and may be
/// read from other threads (the writer compresses them in parallel).
/// </summary>
internal abstract class SectionContent(string name, string elementType)
{
    public string Name { get; } = name;

    public string ElementType { get; } = elementType;

    /// <summary>The total length in bytes when known in advance (null for a stream).</summary>
    public abstract long? Length { get; }

    /// <summary>
    /// The next chunk of at most <paramref name="maxBytes"/> bytes; false once everything was read.
    /// The first call always returns a chunk (empty for empty content): every section has one.
    /// </summary>
    public abstract bool TryReadChunk(int maxBytes, out SectionChunk chunk);

    /// <summary>Copies the content into memory of its own, so the caller may change or dispose the source (background saves).</summary>
    public abstract SectionContent Capture(SnapshotBlockPool? pool);
}

/// <summary>One chunk of raw section bytes; <see cref="Release"/> returns a pooled buffer once the chunk is written.</summary>
internal readonly struct SectionChunk(ReadOnlyMemory<byte> data, byte[]? pooled = null)
{
    public ReadOnlyMemory<byte> Data { get; } = data;

    public void Release()
    {
        if (pooled is not null)
        {
            ArrayPool<byte>.Shared.Return(pooled);
        }
    }
}
