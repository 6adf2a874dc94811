using System.Text.Json.Serialization;
using Checkpointing;
using Checkpointing.Serialization;

// Counts to six, three steps per start: the first start saves steps 1-3, the second resumes at 3 and saves 4-6.
var root = args.Length > 0 ? args[0] : "checkpoints";
using var manager = new CheckpointManager("smoke", "consumer", new CheckpointOptions
{
    RootDirectory = root,
    Serializer = new JsonCheckpointSerializer(ConsumerJson.Default),
});

var (resumed, startStep, state) = manager.Resume(() => new Counter(0));
for (var step = startStep; step < Math.Min(startStep + 3, 6); step++)
{
    state = new Counter(state.Total + step + 1);
    manager.Save(state, step + 1, totalSteps: 6, metrics: new Dictionary<string, double> { ["total"] = state.Total });
}

Console.WriteLine($"resumed={resumed} start={startStep} total={state.Total} latest={manager.LoadLatest<Counter>()?.Metadata.Step}");

internal sealed record Counter(long Total);

[JsonSerializable(typeof(Counter))]
internal sealed partial class ConsumerJson : JsonSerializerContext;
