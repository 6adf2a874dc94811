using System.Diagnostics.Metrics;
using System.Reflection;
using Checkpointing.Serialization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Hosting.Tests;

public sealed class CheckpointManagerFactoryTests
{
    [Fact]
    public void Create_ConfiguredRoot_OpensTheRunThereAndLogsToTheHost()
    {
        using var directory = new TestDirectory();
        var logs = new LogCollector();
        using var host = Build(directory.Path, logs);

        using (var manager = host.Services.GetRequiredService<ICheckpointManagerFactory>().Create("batch", "nightly"))
        {
            Assert.Equal(Path.Combine(directory.Path, "batch", "nightly"), manager.RunDirectory);
            manager.Save(new SumState(1, 2), step: 1);
        }

        Assert.Single(logs.WithId(1)); // the core's "Saved checkpoint" message reached the host's logging
    }

    [Fact]
    public void Create_ClockLeftUnset_UsesTheHostsTimeProvider()
    {
        using var directory = new TestDirectory();
        var clock = new FakeTimeProvider(new DateTimeOffset(2031, 5, 6, 7, 8, 9, TimeSpan.Zero));
        using var host = Build(directory.Path, services: s => s.AddSingleton<TimeProvider>(clock));

        using var manager = host.Services.GetRequiredService<ICheckpointManagerFactory>().Create("batch", "nightly");
        var saved = manager.Save(new SumState(1, 2), step: 1);

        Assert.Equal(clock.GetUtcNow(), saved.TimestampUtc);
    }

    [Fact]
    public void Create_MeterFactoryLeftUnset_MeasuresThroughTheHostsMeterFactory()
    {
        using var directory = new TestDirectory();
        using var host = Build(directory.Path, services: s => s.AddMetrics());
        var meters = host.Services.GetRequiredService<IMeterFactory>();
        using var saves = new MetricCollector<double>(meters, CheckpointingTelemetry.MeterName, "checkpointing.save.duration");

        using (var manager = host.Services.GetRequiredService<ICheckpointManagerFactory>().Create("batch", "nightly"))
        {
            manager.Save(new SumState(1, 2), step: 1);
            manager.Save(new SumState(2, 3), step: 2);
        }

        var measured = saves.GetMeasurementSnapshot();
        Assert.Equal(2, measured.Count);
        Assert.All(measured, m => Assert.Equal("nightly", m.Tags["checkpointing.run"]));
    }

    [Fact]
    public void Create_RunHeldByAnotherManager_ThrowsLocked()
    {
        using var directory = new TestDirectory();
        using var host = Build(directory.Path);
        var factory = host.Services.GetRequiredService<ICheckpointManagerFactory>();

        using var first = factory.Create("batch", "nightly");

        Assert.Throws<CheckpointLockedException>(() => factory.Create("batch", "nightly"));
    }

    [Fact]
    public void CreateOptions_EveryOptionSet_CopiesEveryOption()
    {
        var logging = LoggerFactory.Create(_ => { });
        var clock = new FakeTimeProvider();
        var serializer = new JsonCheckpointSerializer();
        using var metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var host = Build("unused", services: s => s.AddCheckpointing(o =>
        {
            o.RootDirectory = "elsewhere";
            o.KeepLastN = 9;
            o.KeepBestN = 4;
            o.BestMetric = "accuracy";
            o.BestMetricMode = BestMetricMode.Max;
            o.KeepEvery = TimeSpan.FromDays(1);
            o.MaxTotalBytes = 123;
            o.Compression = CheckpointCompression.None;
            o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Skip;
            o.Serializer = serializer;
            o.ReadOnly = true;
            o.TakeOverLock = false;
            o.LoggerFactory = logging;
            o.TimeProvider = clock;
            o.MeterFactory = metrics.GetRequiredService<IMeterFactory>();
        }));
        var configured = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<CheckpointOptions>>().Value;

        var copy = ((CheckpointManagerFactory)host.Services.GetRequiredService<ICheckpointManagerFactory>()).CreateOptions();

        Assert.NotSame(configured, copy);
        foreach (var property in typeof(CheckpointOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Assert.True(Equals(property.GetValue(configured), property.GetValue(copy)), $"CheckpointOptions.{property.Name} was not copied.");
        }
    }

    private static IHost Build(string root, LogCollector? logs = null, Action<IServiceCollection>? services = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Checkpointing:RootDirectory"] = root });
        builder.Services.AddSingleton<IHostLifetime, TestLifetime>();
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddCheckpointing();
        services?.Invoke(builder.Services);
        return builder.Build();
    }
}
