using System.Buffers;
using Checkpointing.Serialization;

namespace Checkpointing.Tests.Serialization;

/// <summary>A plugged-in serializer that fails, to check how the manager reports it.</summary>
internal sealed class ThrowingSerializer : ICheckpointSerializer
{
    public string Name => "throwing";

    public void Serialize<T>(IBufferWriter<byte> output, T value)
    {
        output.Write("{\"partial\":"u8);
        throw new InvalidOperationException("cannot serialise this state");
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => throw new InvalidOperationException("cannot deserialise");
}
