using Checkpointing.Interop;
using Checkpointing.Tests.Sections;

namespace Checkpointing.Tests.Background;

/// <summary>
/// A background save that fails after SaveInBackgroundAsync returned: its Completion faults, the next
/// call that could start a save reports it once as <see cref="CheckpointBackgroundSaveException"/>, and
/// the checkpoints saved before it are untouched.
/// </summary>
public sealed class BackgroundSaveFailureTests : IDisposable
{
    private readonly BackgroundRun _run = new();
    private readonly double[] _oldWeights = SectionData.Doubles(SectionData.SeveralChunks / 8, 81);

    public enum NextCall
    {
        Save,
        SaveAsync,
        SaveInBackgroundAsync,
        FlushAsync,
    }

    public void Dispose() => _run.Dispose();

    [Theory]
    [InlineData(NextCall.Save)]
    [InlineData(NextCall.SaveAsync)]
    [InlineData(NextCall.SaveInBackgroundAsync)]
    [InlineData(NextCall.FlushAsync)]
    public async Task NextCall_AfterBackgroundFailure_ThrowsItOnceWithStepAndCause(NextCall call)
    {
        var manager = _run.Open();
        _run.Fs.FailNextTempSync(Errno.EIO);
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", new[] { 2.0 } } });

        var cause = await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(save.Completion));
        Assert.Equal(Errno.EIO, cause.Errno);
        Assert.False(save.IsDurable);

        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => Invoke(manager, call, step: 3));
        Assert.Equal(2, reported.Step);
        var inner = Assert.IsType<CheckpointStorageException>(reported.InnerException);
        Assert.Equal(Errno.EIO, inner.Errno);
        Assert.Contains("step 2", reported.Message, StringComparison.Ordinal);

        // Reported once: the same call now works, and the call that reported the failure saved nothing.
        Assert.Empty(manager.List());
        await Invoke(manager, call, step: 4);
        await manager.FlushAsync();
        var expected = call == NextCall.FlushAsync ? Array.Empty<long>() : [4L];
        Assert.Equal(expected, manager.List().Select(m => m.Step));
        Assert.Empty(_run.TempFiles());
    }

    [Fact]
    public async Task FailedBackgroundSave_PreviousCheckpointStillLoadsByteForByte()
    {
        var manager = _run.Open();
        var old = manager.Save(new BgState { Step = 1, Items = [1] }, step: 1, sections: new BinarySections { { "w", _oldWeights } });
        var oldBytes = File.ReadAllBytes(old.FilePath);
        _run.Tick();
        var gate = _run.Fs.HoldNextTempSync();

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", SectionData.Doubles(SectionData.SeveralChunks / 8, 82) } });
        gate.WaitUntilHeld();
        gate.Fail(Errno.ENOSPC);

        var cause = await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(save.Completion));
        Assert.True(cause.IsTransient);
        Assert.Equal(oldBytes, File.ReadAllBytes(old.FilePath));
        Assert.Empty(_run.TempFiles());
        Assert.Equal([1L], manager.List().Select(m => m.Step));
        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => manager.FlushAsync());
        Assert.Equal(2, reported.Step);
        var loaded = manager.LoadLatest<BgState>()!;
        Assert.Equal(old.Id, loaded.Metadata.Id);
        Assert.Equal([1], loaded.State.Items);
        Assert.Equal(_oldWeights, loaded.Sections["w"].ReadArray<double>());
    }

    [Fact]
    public async Task Wait_InFlightSaveFailsWhileWaiting_WaiterThrowsTheFailureAndStartsNothing()
    {
        var manager = _run.Open();
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();

        var waiting = manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2).AsTask();
        Assert.False(waiting.IsCompleted);
        gate.Fail(Errno.EIO);

        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => BackgroundRun.Guard(waiting));
        Assert.Equal(1, reported.Step);
        await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(first.Completion));
        await manager.FlushAsync();
        Assert.Empty(manager.List());
    }

    [Fact]
    public async Task Coalesce_InFlightSaveFails_QueuedSaveIsStillWrittenAndFailureReportedOnce()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        var queued = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        Assert.Equal(BackgroundSaveOutcome.Queued, queued.Outcome);

        gate.Fail(Errno.EIO);

        await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(first.Completion));
        Assert.Equal(2, (await BackgroundRun.Guard(queued.Completion))!.Step);
        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => manager.FlushAsync());
        Assert.Equal(1, reported.Step);
        await manager.FlushAsync();
        Assert.Equal([2L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public async Task Coalesce_InFlightAndQueuedBothFail_FirstFailureReportedOnce()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        var queued = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        var secondGate = _run.Fs.HoldNextTempSync();

        gate.Fail(Errno.EIO);
        secondGate.WaitUntilHeld();
        secondGate.Fail(Errno.EROFS);

        await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(first.Completion));
        var second = await Assert.ThrowsAsync<CheckpointStorageException>(() => BackgroundRun.Guard(queued.Completion));
        Assert.Equal(Errno.EROFS, second.Errno);
        var reported = await Assert.ThrowsAsync<CheckpointBackgroundSaveException>(() => manager.FlushAsync());
        Assert.Equal(1, reported.Step);
        await manager.FlushAsync();
        Assert.Empty(manager.List());
    }

    private static async Task Invoke(CheckpointManager manager, NextCall call, long step)
    {
        var state = new BgState { Step = step };
        switch (call)
        {
            case NextCall.Save:
                manager.Save(state, step);
                break;
            case NextCall.SaveAsync:
                await manager.SaveAsync(state, step);
                break;
            case NextCall.SaveInBackgroundAsync:
                var save = await manager.SaveInBackgroundAsync(state, step);
                await BackgroundRun.Guard(save.Completion);
                break;
            default:
                await manager.FlushAsync();
                break;
        }
    }
}
