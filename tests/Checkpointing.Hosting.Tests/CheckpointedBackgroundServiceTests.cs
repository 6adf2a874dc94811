using System.Buffers;
using Checkpointing.Interrupts;
using Checkpointing.Serialization;
using Checkpointing.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Hosting.Tests;

public sealed class CheckpointedBackgroundServiceTests
{
    private const int WarningEvent = 308;

    [Fact]
    public async Task Run_FreshRun_CompletesSavesCompletedAndStopsTheApplication()
    {
        using var directory = new TestDirectory();
        var script = new WorkerScript { Total = 6 };
        using var host = TestHost.Build(directory.Path, script);
        var worker = host.Worker();

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1)); // returns because the worker stops the application

        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Completed, latest.Metadata.Status);
        Assert.Equal(6, latest.Metadata.Step);
        Assert.Equal(6, latest.Metadata.TotalSteps);
        Assert.Equal(SumState.Expected(6), latest.State.Hash);
        Assert.Equal(latest.Metadata.Id, worker.LastCheckpoint!.Id);
        Assert.Equal([0, 1, 2, 3, 4, 5], script.StepsRun);
    }

    [Fact]
    public async Task StopAsync_DuringAStep_FinishesTheStepAndSavesItAsInterrupted()
    {
        using var directory = new TestDirectory();
        var script = new WorkerScript { Total = 10, BlockAtStep = 3 };
        using var host = TestHost.Build(directory.Path, script);

        await TestHost.StopDuringBlockedStepAsync(host, script);

        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Interrupted, latest.Metadata.Status);
        Assert.Equal(4, latest.Metadata.Step);
        Assert.Equal(SumState.Expected(4), latest.State.Hash);
        Assert.Equal([0, 1, 2, 3], script.StepsRun);
        Assert.True(host.Worker().ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(latest.Metadata.Id, host.Worker().LastCheckpoint!.Id);
        Assert.Equal("interrupt", latest.Metadata.Tags[TrainingCheckpointCallback.TriggerTag]);
    }

    [Fact]
    public async Task StartAsync_AfterAnInterruptedRun_ResumesAtTheSavedStepAndEndsAsAnUninterruptedRun()
    {
        using var directory = new TestDirectory();
        var first = new WorkerScript { Total = 8, BlockAtStep = 2 };
        using (var host = TestHost.Build(directory.Path, first))
        {
            await TestHost.StopDuringBlockedStepAsync(host, first);
        }

        var second = new WorkerScript { Total = 8 };
        using (var host = TestHost.Build(directory.Path, second))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([3, 4, 5, 6, 7], second.StepsRun);
        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Completed, latest.Metadata.Status);
        Assert.Equal(SumState.Expected(8), latest.State.Hash);
        Assert.Equal("2", latest.Metadata.Tags[TrainingCheckpointCallback.SessionsTag]);
    }

    [Fact]
    public async Task StartAsync_RunAlreadyCompleted_RunsNoStepAndStopsTheApplication()
    {
        using var directory = new TestDirectory();
        using (var host = TestHost.Build(directory.Path, new WorkerScript { Total = 3 }))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        var again = new WorkerScript { Total = 3 };
        using (var host = TestHost.Build(directory.Path, again))
        {
            var worker = host.Worker();
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Equal(CheckpointStatus.Completed, worker.LastCheckpoint!.Status);
        }

        Assert.Empty(again.StepsRun);
        Assert.Single(TestHost.List(directory.Path));
    }

    [Fact]
    public async Task ExecuteStepAsync_Throws_SavesTheNewestCheckpointsStateAsFailedAndTheNextStartRetriesFromIt()
    {
        using var directory = new TestDirectory();
        var failing = new WorkerScript { Total = 6, FailAtStep = 4 };
        using (var host = TestHost.Build(directory.Path, failing, new CheckpointedServiceOptions { SaveEvery = null, SaveEveryNSteps = 2 }))
        {
            await TestHost.RunToEndAsync(host);
            var error = Assert.IsType<InvalidOperationException>(host.Worker().ExecuteTask!.Exception!.InnerException);
            Assert.Equal("step 4 failed on purpose", error.Message);
        }

        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Failed, latest.Metadata.Status);
        Assert.Equal(4, latest.Metadata.Step);
        Assert.Equal(SumState.Expected(4), latest.State.Hash);
        Assert.Contains("step 4 failed on purpose", latest.Metadata.Tags[TrainingCheckpointCallback.ErrorTag], StringComparison.Ordinal);

        var retry = new WorkerScript { Total = 6 };
        using (var host = TestHost.Build(directory.Path, retry))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([4, 5], retry.StepsRun);
        Assert.Equal(SumState.Expected(6), TestHost.Latest(directory.Path)!.State.Hash);
        Assert.Equal([0, 1, 2, 3, 4, 5], TestHost.Latest(directory.Path)!.State.Done); // step 4's partial work was not kept
    }

    [Fact]
    public async Task ExecuteStepAsync_ThrowsAfterChangingTheStateInPlace_RedoesTheStepsSinceTheNewestCheckpointExactlyOnce()
    {
        using var directory = new TestDirectory();
        var failing = new WorkerScript { Total = 8, FailAtStep = 5 };
        using (var host = TestHost.Build(directory.Path, failing, new CheckpointedServiceOptions { SaveEvery = null, SaveEveryNSteps = 3 }))
        {
            await TestHost.RunToEndAsync(host);
            Assert.IsType<InvalidOperationException>(host.Worker().ExecuteTask!.Exception!.InnerException);
        }

        var failed = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Failed, failed.Metadata.Status);
        Assert.Equal(3, failed.Metadata.Step);
        Assert.Equal([0, 1, 2], failed.State.Done);

        var retry = new WorkerScript { Total = 8 };
        using (var host = TestHost.Build(directory.Path, retry))
        {
            await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([3, 4, 5, 6, 7], retry.StepsRun);
        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(SumState.Expected(8), latest.State.Hash);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], latest.State.Done);
    }

    [Fact]
    public async Task ExecuteStepAsync_ThrowsBeforeAnyCheckpoint_SavesTheInitialStateAsFailed()
    {
        using var directory = new TestDirectory();
        var failing = new WorkerScript { Total = 4, FailAtStep = 2 };
        using (var host = TestHost.Build(directory.Path, failing))
        {
            await TestHost.RunToEndAsync(host);
        }

        var failed = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Failed, failed.Metadata.Status);
        Assert.Equal(0, failed.Metadata.Step);
        Assert.Empty(failed.State.Done);
        Assert.Equal(0, failed.State.Hash);
    }

    [Fact]
    public async Task StopAsync_AbandonMode_CancelsTheStepAndSavesTheStateFromBeforeIt()
    {
        using var directory = new TestDirectory();
        var script = new WorkerScript { Total = 10, BlockAtStep = 5 };
        using var host = TestHost.Build(directory.Path, script, new CheckpointedServiceOptions { SaveEvery = null, InterruptMode = InterruptMode.Abandon });
        await host.StartAsync();
        await script.Entered.Task.WaitAsync(TimeSpan.FromMinutes(1));

        await host.StopAsync(); // the gate is never opened: only the stopping token ends the step

        var latest = TestHost.Latest(directory.Path)!;
        Assert.Equal(CheckpointStatus.Interrupted, latest.Metadata.Status);
        Assert.Equal(5, latest.Metadata.Step);
        Assert.Equal(SumState.Expected(5), latest.State.Hash);
    }

    [Fact]
    public async Task Run_SaveEveryNSteps_SavesProgressAtEachMultiple()
    {
        using var directory = new TestDirectory();
        using var host = TestHost.Build(directory.Path, new WorkerScript { Total = 7 }, new CheckpointedServiceOptions { SaveEvery = null, SaveEveryNSteps = 2 });

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));

        var history = TestHost.List(directory.Path);
        Assert.Equal([2L, 4, 6, 7], history.Select(c => c.Step));
        Assert.Equal(
            [CheckpointStatus.InProgress, CheckpointStatus.InProgress, CheckpointStatus.InProgress, CheckpointStatus.Completed],
            history.Select(c => c.Status));
    }

    [Fact]
    public async Task Run_SaveEveryInterval_SavesWhenTheClockSaysSo()
    {
        using var directory = new TestDirectory();
        var clock = new FakeTimeProvider();
        var script = new WorkerScript { Total = 6, Clock = clock, StepTime = TimeSpan.FromSeconds(25) };
        using var host = TestHost.Build(
            directory.Path,
            script,
            new CheckpointedServiceOptions { SaveEvery = TimeSpan.FromMinutes(1) },
            services: s => s.AddSingleton<TimeProvider>(clock));

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));

        // 25 s a step: a minute has passed after steps 3 and 6 (the last is the Completed save).
        Assert.Equal([3L, 6], TestHost.List(directory.Path).Select(c => c.Step));
    }

    [Fact]
    public async Task Run_SaveSlowerThanTheShutdownTimeout_WarnsOnceNamingHostOptions()
    {
        var logs = await RunTimedAsync(steps: 4, stepTime: TimeSpan.Zero, saveTime: TimeSpan.FromSeconds(12), shutdownTimeout: TimeSpan.FromSeconds(10));

        var warning = Assert.Single(logs.WithId(WarningEvent));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("could take 12.0 s", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Raise HostOptions.ShutdownTimeout", warning.Message, StringComparison.Ordinal);
        Assert.EndsWith(nameof(SumWorker), warning.Category, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_StepAndSaveTogetherLongerThanTheShutdownTimeout_Warns()
    {
        var logs = await RunTimedAsync(steps: 3, stepTime: TimeSpan.FromSeconds(20), saveTime: TimeSpan.FromSeconds(8), shutdownTimeout: TimeSpan.FromSeconds(30));

        // 20 s step + 8 s save = 28 s, more than 90% of 30 s.
        Assert.Contains("could take 28.0 s (save 8.0 s, step 20.0 s)", Assert.Single(logs.WithId(WarningEvent)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SavesThatFitTheShutdownTimeout_DoNotWarn()
    {
        var logs = await RunTimedAsync(steps: 4, stepTime: TimeSpan.FromSeconds(5), saveTime: TimeSpan.FromSeconds(20), shutdownTimeout: TimeSpan.FromSeconds(30));

        Assert.Empty(logs.WithId(WarningEvent));
    }

    [Fact]
    public void Constructor_SaveEveryZero_ThrowsNamingTheOption()
    {
        using var directory = new TestDirectory();
        using var host = TestHost.Build(directory.Path, new WorkerScript(), new CheckpointedServiceOptions { SaveEvery = TimeSpan.Zero });

        var error = Assert.Throws<ArgumentException>(() => host.Services.GetRequiredService<SumWorker>());

        Assert.StartsWith("CheckpointedServiceOptions.SaveEvery is 00:00:00; it must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_RunLockedByAnotherWriter_FaultsWithLockedAndSavesNothing()
    {
        using var directory = new TestDirectory();
        using var holder = new CheckpointManager(SumWorker.ProcessTypeName, SumWorker.RunName, new CheckpointOptions { RootDirectory = directory.Path });
        var script = new WorkerScript { Total = 3 };
        using var host = TestHost.Build(directory.Path, script);

        await TestHost.RunToEndAsync(host);

        Assert.IsType<CheckpointLockedException>(host.Worker().ExecuteTask!.Exception!.InnerException);
        Assert.Empty(script.StepsRun);
        Assert.Empty(holder.List());
    }

    /// <summary>Runs <paramref name="steps"/> steps to completion, saving after each, with steps and saves taking the given fake time; returns the log.</summary>
    private static async Task<LogCollector> RunTimedAsync(int steps, TimeSpan stepTime, TimeSpan saveTime, TimeSpan shutdownTimeout)
    {
        using var directory = new TestDirectory();
        var clock = new FakeTimeProvider();
        var logs = new LogCollector();
        using var host = TestHost.Build(
            directory.Path,
            new WorkerScript { Total = steps, Clock = clock, StepTime = stepTime },
            new CheckpointedServiceOptions { SaveEvery = null, SaveEveryNSteps = 1 },
            logs,
            shutdownTimeout,
            services: s =>
            {
                s.AddSingleton<TimeProvider>(clock);
                s.Configure<CheckpointOptions>(o => o.Serializer = new SlowSerializer(clock, saveTime));
            });

        await host.RunAsync().WaitAsync(TimeSpan.FromMinutes(1));
        return logs;
    }

    /// <summary>JSON that takes <paramref name="duration"/> of fake time to write: a slow save without sleeping.</summary>
    private sealed class SlowSerializer(FakeTimeProvider clock, TimeSpan duration) : ICheckpointSerializer
    {
        public string Name => "json";

        public void Serialize<T>(IBufferWriter<byte> output, T value)
        {
            clock.Advance(duration);
            JsonCheckpointSerializer.Default.Serialize(output, value);
        }

        public T Deserialize<T>(ReadOnlyMemory<byte> data) => JsonCheckpointSerializer.Default.Deserialize<T>(data);
    }
}
