using Checkpointing.Interop;
using Checkpointing.Tests.Sections;

namespace Checkpointing.Tests.Background;

/// <summary>
/// SaveInBackgroundAsync: returns once the state is captured, writes on another thread, and the
/// checkpoint counts (is listed, is loaded) only once its Completion has completed.
/// </summary>
public sealed class BackgroundSaveTests : IDisposable
{
    private readonly BackgroundRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task SaveInBackgroundAsync_Idle_StartsAndCompletesWithTheCheckpointsMetadata()
    {
        var manager = _run.Open();
        var weights = SectionData.Doubles(SectionData.SeveralChunks / 8, 61);

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 7, Items = [1, 2] }, step: 7, totalSteps: 10, sections: new BinarySections { { "w", weights } });
        var metadata = await BackgroundRun.Guard(save.Completion);

        Assert.Equal(7, save.Step);
        Assert.Equal(BackgroundSaveOutcome.Started, save.Outcome);
        Assert.True(save.IsDurable);
        Assert.NotNull(metadata);
        Assert.Equal(7, metadata.Step);
        Assert.Equal(10, metadata.TotalSteps);
        Assert.Equal("1.2", metadata.FormatVersion);
        Assert.True(File.Exists(metadata.FilePath));
        Assert.Equal("float64", metadata.Sections["w"].ElementType);
        Assert.Equal(weights, metadata.Sections["w"].ReadArray<double>());
        var loaded = manager.LoadLatest<BgState>()!;
        Assert.Equal(metadata.Id, loaded.Metadata.Id);
        Assert.Equal([1, 2], loaded.State.Items);
        Assert.Equal(weights, loaded.Sections["w"].ReadArray<double>());
    }

    [Fact]
    public async Task SaveInBackgroundAsync_WhileWriteHeld_NotListedOrLoadedUntilCompletion()
    {
        var manager = _run.Open();
        manager.Save(new BgState { Step = 1 }, step: 1);
        _run.Tick();
        var gate = _run.Fs.HoldNextTempSync();

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2, sections: new BinarySections { { "w", new[] { 2.0 } } });
        gate.WaitUntilHeld();

        Assert.False(save.Completion.IsCompleted);
        Assert.False(save.IsDurable);
        Assert.Equal([1L], manager.List().Select(m => m.Step));
        Assert.Equal(1, manager.LoadLatest<BgState>()!.Metadata.Step);
        Assert.Single(_run.TempFiles());

        gate.Release();
        var metadata = await BackgroundRun.Guard(save.Completion);

        Assert.True(save.IsDurable);
        Assert.Equal([1L, 2L], manager.List().Select(m => m.Step));
        Assert.Equal(metadata!.Id, manager.LoadLatest<BgState>()!.Metadata.Id);
        Assert.Empty(_run.TempFiles());
    }

    [Fact]
    public async Task SaveInBackgroundAsync_RenamedButDirectoryNotYetSynced_NotListedOrLoaded()
    {
        var manager = _run.Open();
        manager.Save(new BgState { Step = 1 }, step: 1);
        _run.Tick();
        var gate = _run.Fs.HoldNextDirectorySync();

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        gate.WaitUntilHeld();

        Assert.Contains(Directory.GetFiles(manager.RunDirectory, "*.ckpt"), f => Path.GetFileName(f).StartsWith("checkpoint_step_2_", StringComparison.Ordinal));
        Assert.False(save.Completion.IsCompleted);
        Assert.Equal([1L], manager.List().Select(m => m.Step));
        Assert.Equal(1, manager.LoadLatest<BgState>()!.Metadata.Step);

        gate.Release();
        await BackgroundRun.Guard(save.Completion);

        Assert.Equal([1L, 2L], manager.List().Select(m => m.Step));
        Assert.Equal(2, manager.LoadLatest<BgState>()!.Metadata.Step);
    }

    [Fact]
    public async Task SaveInBackgroundAsync_DirectorySyncFailsAfterRename_NeverListedAndPreviousStaysLatest()
    {
        var manager = _run.Open();
        manager.Save(new BgState { Step = 1, Items = [1] }, step: 1);
        _run.Tick();
        var gate = _run.Fs.HoldNextDirectorySync();

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);
        gate.WaitUntilHeld();
        Assert.Equal([1L], manager.List().Select(m => m.Step));
        gate.Fail(Errno.EIO);

        await Assert.ThrowsAsync<CheckpointStorageException>(() => save.Completion);
        Assert.Equal([1L], manager.List().Select(m => m.Step));
        var loaded = manager.LoadLatest<BgState>()!;
        Assert.Equal(1, loaded.Metadata.Step);
        Assert.Equal([1], loaded.State.Items);
        Assert.Throws<CheckpointBackgroundSaveException>(() => manager.Save(new BgState { Step = 3 }, step: 3));
    }

    [Fact]
    public async Task SaveInBackgroundAsync_SourcesChangedRightAfterReturn_SavesWhatWasCaptured()
    {
        var manager = _run.Open();
        var gate = _run.Fs.HoldNextTempSync();
        var state = new BgState { Step = 3, Items = [1, 2, 3] };
        var weights = SectionData.Doubles(SectionData.SeveralChunks / 8, 62);
        var weightsAtSave = (double[])weights.Clone();
        var big = SectionData.Ints(400_000, 63);
        var sliceAtSave = big.AsSpan(1000, 250_000).ToArray();
        var streamBytes = SectionData.Bytes(SectionData.Chunk + 17, 64);
        var streamAtSave = (byte[])streamBytes.Clone();
        var stream = new MemoryStream(streamBytes, writable: true);
        var metrics = new Dictionary<string, double> { ["loss"] = 0.5 };
        var tags = new Dictionary<string, string> { ["phase"] = "warmup" };

        var save = await manager.SaveInBackgroundAsync(state, step: 3, metrics: metrics, tags: tags, sections: new BinarySections
        {
            { "w", weights },
            { "slice", new ReadOnlyMemory<int>(big, 1000, 250_000) },
            { "stream", stream },
        });

        // Everything the caller owns changes while the write is still in flight.
        state.Step = 99;
        state.Items.Add(4);
        Array.Fill(weights, -1.0);
        Array.Fill(big, -1);
        Array.Fill(streamBytes, (byte)0xEE);
        metrics["loss"] = 9;
        tags["phase"] = "changed";
        gate.WaitUntilHeld();
        gate.Release();
        var metadata = (await BackgroundRun.Guard(save.Completion))!;

        var loaded = manager.Load<BgState>(metadata.Id);
        Assert.Equal(3, loaded.State.Step);
        Assert.Equal([1, 2, 3], loaded.State.Items);
        Assert.Equal(0.5, loaded.Metadata.Metrics["loss"]);
        Assert.Equal("warmup", loaded.Metadata.Tags["phase"]);
        Assert.Equal(weightsAtSave, loaded.Sections["w"].ReadArray<double>());
        Assert.Equal(sliceAtSave, loaded.Sections["slice"].ReadArray<int>());
        Assert.Equal(streamAtSave, loaded.Sections["stream"].ReadArray<byte>());
        Assert.Equal("bytes", loaded.Sections["stream"].ElementType);
    }

    [Fact]
    public async Task SaveInBackgroundAsync_EmptyAndTinySections_RoundTrip()
    {
        var manager = _run.Open();

        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 1 }, step: 1, sections: new BinarySections
        {
            { "empty", Array.Empty<float>() },
            { "one", new[] { (byte)9 } },
            { "empty-stream", new MemoryStream() },
        });
        var metadata = (await BackgroundRun.Guard(save.Completion))!;

        Assert.Empty(metadata.Sections["empty"].ReadArray<float>());
        Assert.Equal("float32", metadata.Sections["empty"].ElementType);
        Assert.Equal([(byte)9], metadata.Sections["one"].ReadArray<byte>());
        Assert.Equal(0, metadata.Sections["empty-stream"].ByteLength);
    }

    [Fact]
    public async Task SaveInBackgroundAsync_ReadOnlyOrDisposedManager_Throws()
    {
        using (var writer = _run.OpenPlain())
        {
            writer.Save(new BgState { Step = 1 }, step: 1);
        }

        using var reader = _run.OpenPlain(o => o.ReadOnly = true);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.SaveInBackgroundAsync(new BgState(), step: 2));

        var manager = _run.Open();
        await manager.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await manager.SaveInBackgroundAsync(new BgState(), step: 2));
    }

    [Fact]
    public async Task SaveInBackgroundAsync_StateCannotBeSerialised_ThrowsAtOnceAndNextSaveWorks()
    {
        var manager = _run.Open();

        await Assert.ThrowsAsync<CheckpointSerializationException>(async () => await manager.SaveInBackgroundAsync(new Unserialisable(), step: 1));
        var save = await manager.SaveInBackgroundAsync(new BgState { Step = 2 }, step: 2);

        Assert.Equal(BackgroundSaveOutcome.Started, save.Outcome);
        Assert.Equal(2, (await BackgroundRun.Guard(save.Completion))!.Step);
        await manager.FlushAsync();
    }

    private sealed class Unserialisable
    {
        public IntPtr Handle => throw new InvalidOperationException("cannot be read");
    }
}
