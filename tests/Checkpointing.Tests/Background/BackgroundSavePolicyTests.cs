using Checkpointing.Tests.Sections;

namespace Checkpointing.Tests.Background;

/// <summary>
/// What SaveInBackgroundAsync does while a save is in flight: Wait (the caller waits, nothing is lost),
/// Skip (nothing is captured), Coalesce (only the newest waiting save is kept, and written next).
/// A save is held in flight at the fsync of its temp file, so every case is deterministic.
/// </summary>
public sealed class BackgroundSavePolicyTests : IDisposable
{
    private readonly BackgroundRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task Wait_SaveInFlight_WaitsForItThenStartsAndBothAreSaved()
    {
        var manager = _run.Open();
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();

        var second = manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", new[] { 2.0 } } }).AsTask();

        Assert.False(second.IsCompleted, "a waiting save must not return while the one in flight is held");
        Assert.Empty(manager.List());
        gate.Release();
        var started = await BackgroundRun.Guard(second);

        Assert.True(first.Completion.IsCompletedSuccessfully, "the save in flight must be done before the next one starts");
        Assert.Equal(BackgroundSaveOutcome.Started, started.Outcome);
        Assert.Equal(2, (await BackgroundRun.Guard(started.Completion))!.Step);
        Assert.Equal([1L, 2L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public async Task Wait_CancelledWhileWaiting_ThrowsAndSavesNothing()
    {
        var manager = _run.Open();
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        using var cancel = new CancellationTokenSource();

        var second = manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, cancellationToken: cancel.Token).AsTask();
        Assert.False(second.IsCompleted);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => BackgroundRun.Guard(second));
        gate.Release();
        await BackgroundRun.Guard(first.Completion);
        await manager.FlushAsync();
        Assert.Equal([1L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public async Task Skip_SaveInFlight_ReturnsSkippedWithNullCompletionAndSavesNothing()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Skip);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();

        var skipped = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", new[] { 2.0 } } });

        Assert.Equal(BackgroundSaveOutcome.Skipped, skipped.Outcome);
        Assert.Equal(2, skipped.Step);
        Assert.True(skipped.Completion.IsCompletedSuccessfully);
        Assert.Null(await skipped.Completion);
        Assert.False(skipped.IsDurable);
        Assert.False(first.Completion.IsCompleted);

        gate.Release();
        await manager.FlushAsync().WaitAsync(BackgroundRun.HangGuard);
        Assert.True(first.IsDurable);
        Assert.Equal([1L], manager.List().Select(m => m.Step));

        // Once idle, the next request starts again.
        var third = await manager.SaveInBackgroundAsync(new BgState { Step = 3 }, step: 3);
        Assert.Equal(BackgroundSaveOutcome.Started, third.Outcome);
        Assert.Equal(3, (await BackgroundRun.Guard(third.Completion))!.Step);
    }

    [Fact]
    public async Task Coalesce_TwoRequestsWhileInFlight_KeepsOnlyTheNewestAndWritesItNext()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        var weights2 = SectionData.Doubles(1000, 2);
        var weights3 = SectionData.Doubles(SectionData.SeveralChunks / 8, 3);
        var weights3AtSave = (double[])weights3.Clone();

        var second = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", weights2 } });
        Assert.Equal(BackgroundSaveOutcome.Queued, second.Outcome);
        Assert.False(second.Completion.IsCompleted);
        var third = await manager.SaveInBackgroundAsync(new BgState { Step = 3, Items = [3] }, step: 3, sections: new BinarySections { { "w", weights3 } });

        Assert.Equal(BackgroundSaveOutcome.Queued, third.Outcome);
        Assert.True(second.Completion.IsCompletedSuccessfully, "the replaced save's completion must finish at once");
        Assert.Null(await second.Completion);
        Assert.False(second.IsDurable);
        Assert.False(third.Completion.IsCompleted);
        Assert.False(first.Completion.IsCompleted);

        // A queued save was captured: changing its sources now does not change what is written.
        Array.Fill(weights3, 0.0);
        gate.Release();
        var written = await BackgroundRun.Guard(third.Completion);

        Assert.True(first.IsDurable);
        Assert.True(third.IsDurable);
        Assert.Equal(3, written!.Step);
        Assert.Equal([1L, 3L], manager.List().Select(m => m.Step));
        var loaded = manager.LoadLatest<BgState>()!;
        Assert.Equal([3], loaded.State.Items);
        Assert.Equal(weights3AtSave, loaded.Sections["w"].ReadArray<double>());
    }

    [Fact]
    public async Task Coalesce_InFlightSaveEndsWhileNextIsCapturing_StreamSectionIsNotLost()
    {
        // The request sees the save in flight, captures (reading its stream), and by then the save in
        // flight has finished: the capture must be the one written, not a second, empty read of the stream.
        var serializer = new GatedSerializer();
        var manager = _run.Open(o =>
        {
            o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce;
            o.Serializer = serializer;
        });
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        serializer.HoldStep(2);
        var replay = SectionData.Bytes(SectionData.Chunk + 3, 71);

        var second = Task.Run(async () => await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "replay", new TrickleStream(replay, 50_000) } }));
        serializer.WaitUntilHeld();
        gate.Release();
        await BackgroundRun.Guard(first.Completion);
        await manager.FlushAsync().WaitAsync(BackgroundRun.HangGuard);
        serializer.Release();
        var save = await BackgroundRun.Guard(second);
        var metadata = await BackgroundRun.Guard(save.Completion);

        Assert.NotNull(metadata);
        Assert.Equal(2, metadata.Step);
        Assert.Equal(replay.Length, metadata.Sections["replay"].ByteLength);
        Assert.Equal(replay, metadata.Sections["replay"].ReadArray<byte>());
        Assert.Equal(1, serializer.Calls[2]);
    }

    [Fact]
    public async Task Coalesce_CaptureOfStartingSaveFails_SaveQueuedBehindItIsStillWritten()
    {
        var serializer = new GatedSerializer();
        var manager = _run.Open(o =>
        {
            o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce;
            o.Serializer = serializer;
        });
        serializer.HoldStep(1);

        // Step 1 holds the reservation while it captures; step 2 queues behind it; then step 1's capture fails.
        var first = Task.Run(async () => await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1));
        serializer.WaitUntilHeld();
        var second = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        Assert.Equal(BackgroundSaveOutcome.Queued, second.Outcome);
        serializer.Fail();
        await Assert.ThrowsAsync<CheckpointSerializationException>(() => BackgroundRun.Guard(first));

        await manager.FlushAsync().WaitAsync(BackgroundRun.HangGuard);

        Assert.True(second.Completion.IsCompleted, "FlushAsync returned while the queued save was never written");
        Assert.Equal(2, (await second.Completion)!.Step);
        Assert.Equal([2L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public async Task Skip_NextSaveRightAfterCompletion_StartsInsteadOfSkipping()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Skip);
        for (var step = 1; step <= 50; step++)
        {
            var save = await manager.SaveInBackgroundAsync(new BgState { Step = step }, step: step);
            Assert.Equal(BackgroundSaveOutcome.Started, save.Outcome);
            Assert.NotNull(await BackgroundRun.Guard(save.Completion));
        }

        Assert.Equal(50, manager.LoadLatest<BgState>()!.Metadata.Step);
    }

    [Fact]
    public async Task Coalesce_NewerRequest_DropsTheWaitingCopyBeforeCapturing()
    {
        var manager = _run.Open(o => o.WhenBackgroundSaveBusy = BackgroundSavePolicy.Coalesce);
        var gate = _run.Fs.HoldNextTempSync();
        var first = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1);
        gate.WaitUntilHeld();
        var second = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        Assert.Equal(BackgroundSaveOutcome.Queued, second.Outcome);

        // While the third request is being captured (its stream read), the second, waiting one is already gone.
        bool? secondGoneDuringCapture = null;
        using var probe = new ProbeStream([1, 2, 3], () => secondGoneDuringCapture ??= second.Completion.IsCompleted);
        var third = await manager.SaveInBackgroundAsync(new BgState { Step = 3 }, step: 3, sections: new BinarySections { { "s", probe } });
        Assert.True(secondGoneDuringCapture);
        Assert.Null(await second.Completion);
        Assert.Equal(BackgroundSaveOutcome.Queued, third.Outcome);

        gate.Release();
        Assert.NotNull(await BackgroundRun.Guard(first.Completion));
        Assert.NotNull(await BackgroundRun.Guard(third.Completion));
        Assert.Equal([1L, 3L], manager.List().Select(m => m.Step));
    }

    /// <summary>A stream that runs a callback whenever it is read.</summary>
    private sealed class ProbeStream(byte[] content, Action onRead) : MemoryStream(content)
    {
        public override int Read(Span<byte> buffer)
        {
            onRead();
            return base.Read(buffer);
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            onRead();
            return base.Read(buffer, offset, count);
        }
    }
}
