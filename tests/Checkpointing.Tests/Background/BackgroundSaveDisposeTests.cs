using Checkpointing.Tests.Interrupts;
using Microsoft.Extensions.Logging;
using Checkpointing.Interop;
using Checkpointing.Tests.Sections;

namespace Checkpointing.Tests.Background;

/// <summary>Disposing a manager waits for its background save to be durable, and raises a failure nobody collected.</summary>
public sealed class BackgroundSaveDisposeTests : IDisposable
{
    private readonly BackgroundRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task DisposeAsync_WriteInFlight_WaitsUntilItIsDurable()
    {
        var manager = _run.Open();
        var weights = SectionData.Doubles(SectionData.SeveralChunks / 8, 91);
        var gate = _run.Fs.HoldNextTempSync();
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 5, Items = [5] }, step: 5, sections: new BinarySections { { "w", weights } });
        gate.WaitUntilHeld();

        var disposing = manager.DisposeAsync().AsTask();
        Assert.False(disposing.IsCompleted, "DisposeAsync must wait for the save in flight");
        gate.Release();
        await BackgroundRun.Guard(disposing);

        Assert.True(save.IsDurable);
        using var reopened = _run.OpenPlain();
        var loaded = reopened.LoadLatest<BgState>()!;
        Assert.Equal(5, loaded.Metadata.Step);
        Assert.Equal([5], loaded.State.Items);
        Assert.Equal(weights, loaded.Sections["w"].ReadArray<double>());
    }

    [Fact]
    public async Task Dispose_WriteInFlight_BlocksUntilItIsDurable()
    {
        var manager = _run.Open();
        var gate = _run.Fs.HoldNextTempSync();
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 6 }, step: 6);
        gate.WaitUntilHeld();

        var disposing = Task.Run(manager.Dispose);
        Assert.False(disposing.IsCompleted);
        gate.Release();
        await BackgroundRun.Guard(disposing);

        Assert.True(save.IsDurable);
        using var reopened = _run.OpenPlain();
        Assert.Equal(6, reopened.LoadLatest<BgState>()!.Metadata.Step);
    }

    [Fact]
    public async Task DisposeAsync_CoalescedSaveWaiting_WritesItBeforeReturning()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        var queued = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);

        var disposing = manager.DisposeAsync().AsTask();
        gate.Release();
        await BackgroundRun.Guard(disposing);

        Assert.True(queued.IsDurable);
        using var reopened = _run.OpenPlain();
        Assert.Equal([1L, 2L], reopened.List().Select(m => m.Step));
    }

    [Fact]
    public async Task DisposeAsync_UnreportedFailure_ThrowsItAndReleasesTheLock()
    {
        var manager = _run.Open();
        manager.Save(new BgState { Step = 1 }, step: 1);
        _run.Tick();
        var gate = _run.Fs.HoldNextTempSync();
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        gate.WaitUntilHeld();

        var disposing = manager.DisposeAsync().AsTask();
        gate.Fail(Errno.EIO);

        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => BackgroundRun.Guard(disposing));
        Assert.Equal(2, reported.Step);
        Assert.IsType<CheckpointStorageException>(reported.InnerException);
        Assert.True(save.Completion.IsFaulted);
        await manager.DisposeAsync();
        using var reopened = _run.OpenPlain();
        Assert.Equal([1L], reopened.List().Select(m => m.Step));
        Assert.Empty(_run.TempFiles());
    }

    [Fact]
    public async Task Dispose_UnreportedFailure_LogsItWithoutThrowingAndReleasesTheLock()
    {
        var logs = new CapturingLoggerFactory();
        var manager = _run.Open(o => o.LoggerFactory = logs);
        _run.Fs.FailNextTempSync(Errno.EIO);
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 3 }, step: 3);
        await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(save.Completion));

        manager.Dispose();

        var logged = Assert.Single(logs.Entries, e => e.Id.Id == 11);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains("step 3", logged.Message, StringComparison.Ordinal);
        manager.Dispose();
        using var reopened = _run.OpenPlain();
        Assert.Empty(reopened.List());
    }

    [Fact]
    public async Task DisposeAsync_FailureAlreadyReported_DoesNotThrowAgain()
    {
        var manager = _run.Open();
        _run.Fs.FailNextTempSync(Errno.EIO);
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 3 }, step: 3);
        await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(save.Completion));
        await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => manager.FlushAsync());

        await manager.DisposeAsync();

        using var reopened = _run.OpenPlain();
        Assert.Empty(reopened.List());
    }
}
