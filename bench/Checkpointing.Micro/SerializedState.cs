using System.Buffers;
using Checkpointing.Serialization;

namespace Checkpointing.Micro;

/// <summary>The serialised states the file benchmarks store.</summary>
internal static class SerializedState
{
    /// <summary><see cref="Micro.Portfolio.AfterTrades"/> as <see cref="JsonCheckpointSerializer.Default"/> writes it (about 1 KB).</summary>
    public static byte[] Portfolio()
    {
        var buffer = new ArrayBufferWriter<byte>();
        JsonCheckpointSerializer.Default.Serialize(buffer, Micro.Portfolio.AfterTrades());
        return buffer.WrittenSpan.ToArray();
    }
}
