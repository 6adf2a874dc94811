using System.Buffers;
using Checkpointing.Serialization;

namespace Checkpointing.Tests.Background;

/// <summary>
/// JSON, except that serialising a <see cref="BgState"/> of the chosen step waits until released and
/// can then fail: a deterministic way to hold a background save in its capture.
/// </summary>
internal sealed class GatedSerializer : ICheckpointSerializer
{
    private readonly ManualResetEventSlim _entered = new(initialState: false);
    private readonly ManualResetEventSlim _released = new(initialState: false);
    private long? _holdStep;
    private bool _fail;

    public string Name => JsonCheckpointSerializer.Default.Name;

    /// <summary>Serialisations done so far, per step.</summary>
    public Dictionary<long, int> Calls { get; } = [];

    /// <summary>The first serialisation of step <paramref name="step"/> waits for <see cref="Release"/> or <see cref="Fail"/>.</summary>
    public void HoldStep(long step) => _holdStep = step;

    public void WaitUntilHeld() => Assert.True(_entered.Wait(BackgroundRun.HangGuard), "the held serialisation was never reached");

    public void Release() => _released.Set();

    public void Fail()
    {
        _fail = true;
        _released.Set();
    }

    public void Serialize<T>(IBufferWriter<byte> output, T value)
    {
        if (value is BgState state)
        {
            bool hold;
            lock (Calls)
            {
                Calls[state.Step] = Calls.GetValueOrDefault(state.Step) + 1;
                hold = state.Step == _holdStep;
                if (hold)
                {
                    _holdStep = null;
                }
            }

            if (hold)
            {
                _entered.Set();
                Assert.True(_released.Wait(BackgroundRun.HangGuard), "the held serialisation was never released");
                if (_fail)
                {
                    throw new InvalidOperationException($"injected serialisation failure at step {state.Step}");
                }
            }
        }

        JsonCheckpointSerializer.Default.Serialize(output, value);
    }

    public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonCheckpointSerializer.Default.Deserialize<T>(data);
}
