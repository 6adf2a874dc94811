using System.Buffers;
using Checkpointing.Serialization;

namespace Checkpointing.TestChild;

/// <summary>
/// JSON, except that once <see cref="Slow"/> is set the next save announces itself and then stalls
/// for a minute, so a test can send a second signal while the final save is in progress.
/// </summary>
internal sealed class SlowFinalSaveSerializer : ICheckpointSerializer
{
    private volatile bool _slow;

    public string Name => JsonCheckpointSerializer.Default.Name;

    public bool Slow
    {
        get => _slow;
        set => _slow = value;
    }

    public void Serialize<T>(IBufferWriter<byte> output, T value)
    {
        if (_slow)
        {
            TrainLoop.Print("FINAL_SAVE_STARTED");
            Thread.Sleep(TimeSpan.FromMinutes(1));
        }

        JsonCheckpointSerializer.Default.Serialize(output, value);
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonCheckpointSerializer.Default.Deserialize<T>(data);
}
