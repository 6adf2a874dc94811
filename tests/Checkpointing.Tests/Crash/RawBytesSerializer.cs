using System.Buffers;
using Checkpointing.Serialization;

namespace Checkpointing.Tests.Crash;

/// <summary>Stores a <c>byte[]</c> state as itself, so the state section's raw size is exactly the array's length.</summary>
internal sealed class RawBytesSerializer : ICheckpointSerializer
{
    public static RawBytesSerializer Instance { get; } = new();

    public string Name => "raw";

    public void Serialize<T>(IBufferWriter<byte> output, T value) =>
        output.Write(value as byte[] ?? throw new NotSupportedException($"{nameof(RawBytesSerializer)} only stores byte[]."));

    public T Deserialize<T>(ReadOnlyMemory<byte> data) =>
        typeof(T) == typeof(byte[]) ? (T)(object)data.ToArray() : throw new NotSupportedException($"{nameof(RawBytesSerializer)} only reads byte[].");
}
