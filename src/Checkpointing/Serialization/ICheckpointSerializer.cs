using System.Buffers;

namespace Checkpointing.Serialization;

/// <summary>
/// Turns state objects into bytes and back. Implementations must decide the type from the
/// caller's type argument only, never from type names stored in the data.
/// Throw any exception on failure; the manager wraps it in <see cref="CheckpointSerializationException"/>.
/// </summary>
public interface ICheckpointSerializer
{
    /// <summary>A short name recorded in each checkpoint (e.g. <c>json</c>), shown by tools.</summary>
    string Name { get; }

    /// <summary>Writes <paramref name="value"/> to <paramref name="output"/>.</summary>
    void Serialize<T>(IBufferWriter<byte> output, T value);

    /// <summary>Reads a <typeparamref name="T"/> from <paramref name="data"/>.</summary>
    T Deserialize<T>(ReadOnlyMemory<byte> data);
}
