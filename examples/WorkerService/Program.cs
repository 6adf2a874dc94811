// WorkerService: a batch job under the .NET generic host that survives docker stop, Ctrl+C and kill -9.
// It processes records in batches as a CheckpointedBackgroundService: on start it resumes from the
// newest valid checkpoint; on SIGTERM (docker stop, Kubernetes) or Ctrl+C the running batch finishes,
// a final checkpoint is written within HostOptions.ShutdownTimeout, and the process exits 143 or 130.
// The result for a given seed is the same whether or not the job was stopped on the way.
using System.Text.Json;
using Checkpointing;
using Checkpointing.Examples;
using Checkpointing.Hosting;
using Checkpointing.Interrupts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WorkerService;

var options = CommandLine.Parse(args, out var parseError);
if (ExampleStartup.ShouldExit(options, parseError, o => o.Help, CommandLine.Usage, out var argumentsExitCode))
{
    return argumentsExitCode;
}

// appsettings.json beside the program, whatever the working directory; the example's own flags are not
// configuration keys, so the host gets no command-line arguments.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
if (options.CheckpointDirectory is { } directory)
{
    builder.Configuration.AddInMemoryCollection([new("Checkpointing:RootDirectory", directory)]);
}

builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Services.AddCheckpointing();
builder.Services.AddSingleton(options);
builder.Services.AddSingleton<BatchWorker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<BatchWorker>());

using var host = builder.Build();
var root = host.Services.GetRequiredService<IOptions<CheckpointOptions>>();
var managers = host.Services.GetRequiredService<ICheckpointManagerFactory>();
try
{
    AskToResume(managers, options);
}
catch (Exception ex) when (ex is OptionsValidationException or CheckpointException)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

// From here on SIGINT, SIGTERM and SIGHUP stop the host gracefully (the generic host's own handling covers
// the first two) and set the exit code; a second signal exits at once, leaving the previous checkpoint.
using var interrupts = InterruptHandler.Install(new InterruptOptions { UnitName = "batch", GracePeriod = null });
interrupts.StopToken.Register(host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication);
var worker = host.Services.GetRequiredService<BatchWorker>();
await host.RunAsync();

if (worker.ExecuteTask is not { IsCompletedSuccessfully: true })
{
    Console.Error.WriteLine("The job did not end with a durable final checkpoint (see the log above); the next run resumes from the last one.");
    return 1;
}

if (worker.LastCheckpoint is { Status: CheckpointStatus.Completed })
{
    return Finish(root.Value.RootDirectory, options.ResultsFile);
}

return interrupts.ExitCode;

// Shows what the worker will resume from and asks (unless --yes or stdin is not a terminal); --fresh, or a
// "no", deletes the run's checkpoints first. The manager is closed again before the host starts.
static void AskToResume(ICheckpointManagerFactory managers, CommandLine options)
{
    using var manager = managers.Create(BatchWorker.ProcessTypeName, BatchWorker.RunName);
    Console.WriteLine($"Run directory: {manager.RunDirectory}");
    if (options.Fresh)
    {
        Console.WriteLine($"--fresh: deleted {manager.DeleteAll()} checkpoint(s).");
        return;
    }

    if (manager.GetRecoveryInfo() is not { } found)
    {
        Console.WriteLine($"No checkpoint found. Starting fresh: {options.Records} records in batches of {options.BatchSize}, seed {options.Seed}.");
        return;
    }

    Console.WriteLine($"Checkpoint found: {found.CheckpointId}, batch {found.Step}/{found.TotalSteps} ({found.ProgressPercent ?? 0:F1}%), status {found.Status}, saved {ExampleConsole.Ago(DateTimeOffset.UtcNow - found.TimestampUtc)} ago.");
    if (found.Status == CheckpointStatus.Completed)
    {
        Console.WriteLine("This run already completed; there is nothing left to do. Use --fresh to start over.");
    }
    else if (!ExampleConsole.AskYesNo("Resume from checkpoint?", options.Yes))
    {
        Console.WriteLine($"Starting fresh (deleted {manager.DeleteAll()} checkpoint(s)).");
    }
}

static int Finish(string root, string? resultsFile)
{
    using var manager = new CheckpointManager(BatchWorker.ProcessTypeName, BatchWorker.RunName, new CheckpointOptions { RootDirectory = root, ReadOnly = true });
    var state = manager.LoadLatest<BatchState>()!.State;
    Console.WriteLine($"COMPLETED: {state.Processed} records, {state.Accepted} accepted, {state.Rejected} rejected, {state.AmountCents / 100.0:N2} in total, checksum {state.Checksum:x16} (seed {state.Seed}).");
    if (resultsFile is not null)
    {
        var json = JsonSerializer.Serialize(
            new
            {
                seed = state.Seed,
                records = state.Records,
                batchSize = state.BatchSize,
                accepted = state.Accepted,
                rejected = state.Rejected,
                amountCents = state.AmountCents,
                categoryCents = state.CategoryCents,
                checksum = state.Checksum.ToString("x16", System.Globalization.CultureInfo.InvariantCulture),
            },
            new JsonSerializerOptions { WriteIndented = true });
        File.WriteAllText(resultsFile, json + Environment.NewLine);
        Console.WriteLine($"Result written to {resultsFile}");
    }

    return 0;
}
