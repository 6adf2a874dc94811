using Checkpointing.Storage;

namespace Checkpointing.Tests.Format;

/// <summary>A pending checkpoint file that collects the writer's bytes in memory.</summary>
internal sealed class MemoryPendingFile : IPendingCheckpointFile
{
    private readonly MemoryStream _bytes = new();

    public long Length => _bytes.Length;

    public int AppendCalls { get; private set; }

    public bool Published { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        AppendCalls++;
        _bytes.Write(data);
    }

    public void Publish() => Published = true;

    public byte[] ToArray() => _bytes.ToArray();

    public void Dispose() => _bytes.Dispose();
}
