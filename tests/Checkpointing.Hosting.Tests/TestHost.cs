using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Hosting.Tests;

/// <summary>Builds a real generic host around <see cref="SumWorker"/>, with checkpoints under a test directory.</summary>
internal static class TestHost
{
    public static IHost Build(
        string root,
        WorkerScript script,
        CheckpointedServiceOptions? options = null,
        LogCollector? logs = null,
        TimeSpan? shutdownTimeout = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Checkpointing:RootDirectory"] = root });
        builder.Services.AddSingleton<IHostLifetime, TestLifetime>();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        }

        builder.Services.AddCheckpointing();
        builder.Services.AddSingleton(script);
        builder.Services.AddSingleton(options ?? new CheckpointedServiceOptions { SaveEvery = null });
        builder.Services.AddSingleton<SumWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SumWorker>());
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    public static SumWorker Worker(this IHost host) => host.Services.GetRequiredService<SumWorker>();

    /// <summary>The run's newest valid checkpoint, read the way another process would.</summary>
    public static Checkpoint<SumState>? Latest(string root)
    {
        using var manager = new CheckpointManager(SumWorker.ProcessTypeName, SumWorker.RunName, new CheckpointOptions { RootDirectory = root, ReadOnly = true });
        return manager.LoadLatest<SumState>();
    }

    public static IReadOnlyList<CheckpointMetadata> List(string root)
    {
        using var manager = new CheckpointManager(SumWorker.ProcessTypeName, SumWorker.RunName, new CheckpointOptions { RootDirectory = root, ReadOnly = true });
        return manager.List();
    }

    /// <summary>
    /// Starts the host, waits until the worker is inside the script's blocking step, stops the host, and lets the
    /// step finish only once the stopping token has fired: the step is always the last one, whatever the timing.
    /// </summary>
    public static async Task StopDuringBlockedStepAsync(IHost host, WorkerScript script)
    {
        await host.StartAsync();
        await script.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));
        var stopping = host.StopAsync();
        await script.StopCalled.Task.WaitAsync(TimeSpan.FromMinutes(1));
        script.Gate.SetResult();
        await stopping;
    }

    /// <summary>Starts the host and waits until the worker has ended on its own (completed or failed).</summary>
    public static async Task RunToEndAsync(IHost host)
    {
        await host.StartAsync();
        await host.Worker().ExecuteTask!.WaitAsync(TimeSpan.FromMinutes(1)).ContinueWith(static _ => { }, TaskScheduler.Default);
        await host.StopAsync();
    }
}
