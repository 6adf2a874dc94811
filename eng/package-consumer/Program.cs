using System.Text.Json.Serialization;
using Checkpointing;
using Checkpointing.Hosting;
using Checkpointing.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Consumer ROOT         counts to six, three steps per start: the first start saves 1-3, the second resumes at 3 and saves 4-6.
// Consumer hosted ROOT  the same count as a CheckpointedBackgroundService under the generic host, options from configuration.
var hosted = args.Length > 0 && args[0] == "hosted";
var root = args.Length > (hosted ? 1 : 0) ? args[hosted ? 1 : 0] : "checkpoints";
var serializer = new JsonCheckpointSerializer(ConsumerJson.Default);

if (hosted)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Configuration.AddInMemoryCollection([new("Checkpointing:RootDirectory", root), new("Checkpointing:KeepLastN", "2")]);
    builder.Services.AddCheckpointing();
    builder.Services.Configure<CheckpointOptions>(o => o.Serializer = serializer);
    builder.Services.AddHostedService<CountingService>();
    await builder.Build().RunAsync();

    using var reader = new CheckpointManager(CountingService.ProcessTypeName, "hosted", new CheckpointOptions { RootDirectory = root, ReadOnly = true, Serializer = serializer });
    var last = reader.LoadLatest<Counter>();
    Console.WriteLine($"hosted status={last?.Metadata.Status} step={last?.Metadata.Step} total={last?.State.Total} kept={reader.List().Count}");
    return;
}

using var manager = new CheckpointManager("smoke", "consumer", new CheckpointOptions { RootDirectory = root, Serializer = serializer });
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

internal sealed class CountingService(CheckpointedServiceDependencies dependencies)
    : CheckpointedBackgroundService<Counter>(dependencies, ProcessTypeName, "hosted", new CheckpointedServiceOptions { SaveEveryNSteps = 1 })
{
    public const string ProcessTypeName = "smoke";

    protected override Counter CreateInitialState() => new(0);

    protected override long? GetTotalSteps(Counter state) => 4;

    protected override ValueTask<Counter> ExecuteStepAsync(Counter state, long step, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new Counter(state.Total + step + 1));
}
