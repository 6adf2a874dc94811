using Checkpointing.Format;
using Checkpointing.Storage;
using Checkpointing.Tests.Format;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Manager;

public sealed class CheckpointManagerTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 6, 7, 8, 9, TimeSpan.Zero);

    private readonly TempRoot _root = new();
    private readonly FakeTimeProvider _time = new(Start);

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Save_ThenResume_ReturnsSavedStateAndStep()
    {
        using (var manager = Open())
        {
            manager.Save(new State(3, [0.5, 0.25]), step: 3, totalSteps: 10);
        }

        using var reopened = Open();
        var (resumed, startStep, state) = reopened.Resume<State>();

        Assert.True(resumed);
        Assert.Equal(3, startStep);
        Assert.Equal(3, state!.Epoch);
        Assert.Equal([0.5, 0.25], state.Losses);
    }

    [Fact]
    public void Save_Always_ReturnsCompleteMetadataMatchingTheFile()
    {
        using var manager = Open(o => o.Compression = CheckpointCompression.Gzip);
        var state = new State(1, [.. Enumerable.Repeat(0.125, 500)]);

        var meta = manager.Save(state, step: 25, totalSteps: 100, CheckpointStatus.Interrupted, new Dictionary<string, double> { ["loss"] = 0.5 }, new Dictionary<string, string> { ["note"] = "x" });

        Assert.Equal("checkpoint_step_25_20260506_070809", meta.Id);
        Assert.Equal(Path.Combine(manager.RunDirectory, meta.Id + ".ckpt"), meta.FilePath);
        Assert.Equal(new FileInfo(meta.FilePath).Length, meta.StoredBytes);
        Assert.Equal(25.0, meta.ProgressPercent);
        Assert.Equal(Start, meta.TimestampUtc);
        Assert.Equal(CheckpointStatus.Interrupted, meta.Status);
        Assert.Equal(CheckpointCompression.Gzip, meta.Compression);
        Assert.True(meta.StateBytes > meta.StateStoredBytes, "500 equal doubles must compress");
        Assert.True(meta.CompressionRatio > 1);
        Assert.Matches("^[0-9a-f]{16}$", meta.Checksum);
        Assert.Equal(Environment.ProcessId, meta.WriterProcessId);
        Assert.Equal(Environment.MachineName, meta.WriterHost);
        Assert.Equal("1.0", meta.FormatVersion);
        Assert.Equal("training", meta.ProcessType);
        Assert.Equal("run", meta.Name);
    }

    [Fact]
    public void Save_SameStepInSameSecond_AddsDiscriminatorAndEachLoadsById()
    {
        using var manager = Open();

        var first = manager.Save(new State(1, []), step: 5);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var second = manager.Save(new State(2, []), step: 5);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var third = manager.Save(new State(3, []), step: 5);

        Assert.Equal("checkpoint_step_5_20260506_070809", first.Id);
        Assert.Equal(first.Id + "_1", second.Id);
        Assert.Equal(first.Id + "_2", third.Id);
        Assert.Equal(1, manager.Load<State>(first.Id).State.Epoch);
        Assert.Equal(2, manager.Load<State>(second.Id).State.Epoch);
        Assert.Equal(3, manager.Load<State>(third.Id + ".ckpt").State.Epoch);
        Assert.Equal(3, manager.Load<State>(5).State.Epoch);
        Assert.Equal(3, manager.LoadLatest<State>()!.State.Epoch);
        Assert.Equal([first.Id, second.Id, third.Id], manager.List().Select(m => m.Id));
    }

    [Fact]
    public void Load_ByStep_ReturnsThatStep()
    {
        using var manager = Open();
        for (var step = 1; step <= 3; step++)
        {
            manager.Save(new State(step, []), step);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(2, manager.Load<State>(2L).State.Epoch);
        Assert.Equal(2, manager.Load<State>(2L).Metadata.Step);
    }

    [Fact]
    public void Load_UnknownStepOrId_ThrowsNotFound()
    {
        using var manager = Open();
        manager.Save(new State(1, []), step: 1);

        var missing = Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>(99L));
        Assert.EndsWith("has no checkpoint at step 99; its checkpoints are at step(s) 1.", missing.Message, StringComparison.Ordinal);
        Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>("checkpoint_step_1_20000101_000000"));
        Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>("checkpoint_step_01_20260506_070809"));
        Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>("../../etc/passwd"));
        Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>("not an id"));
        Assert.ThrowsAny<ArgumentException>(() => manager.Load<State>(string.Empty));
        var ex = Assert.Throws<CheckpointNotFoundException>(() => manager.Load<State>(7L));
        Assert.Contains("step 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Delete_ExistingThenMissingId_ReturnsTrueThenFalse()
    {
        using var manager = Open();
        var first = manager.Save(new State(1, []), step: 1);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = manager.Save(new State(2, []), step: 2);

        Assert.True(manager.Delete(second.Id));
        Assert.False(manager.Delete(second.Id));
        Assert.False(manager.Delete("not-a-checkpoint"));
        Assert.False(manager.Delete("../" + first.Id));
        Assert.False(File.Exists(second.FilePath));
        Assert.Equal([first.Id], manager.List().Select(m => m.Id));
        Assert.Equal(1, manager.LoadLatest<State>()!.State.Epoch);
    }

    [Fact]
    public void DeleteAll_WithQuarantinedAndForeignFiles_DeletesOnlyCheckpoints()
    {
        using var manager = Open(o => o.KeepLastN = null);
        for (var step = 1; step <= 4; step++)
        {
            manager.Save(new State(step, []), step);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var newest = manager.List()[^1];
        File.WriteAllBytes(newest.FilePath, []);
        Assert.Equal(3, manager.LoadLatest<State>()!.State.Epoch);
        var notes = Path.Combine(manager.RunDirectory, "notes.txt");
        File.WriteAllText(notes, "mine");

        Assert.Equal(3, manager.DeleteAll());

        Assert.Empty(manager.List());
        Assert.Null(manager.LoadLatest<State>());
        Assert.True(File.Exists(notes));
        Assert.True(File.Exists(Path.Combine(manager.RunDirectory, LocalDirectoryStore.QuarantineDirectoryName, newest.Id + ".ckpt")));
        Assert.Equal(0, manager.DeleteAll());
    }

    [Fact]
    public void List_Always_ReturnsOldestFirstByStep()
    {
        using var manager = Open(o => o.KeepLastN = null);
        foreach (var step in new long[] { 30, 10, 20 })
        {
            manager.Save(new State((int)step, []), step);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal([10L, 20L, 30L], manager.List().Select(m => m.Step));
        Assert.Equal(30, manager.LoadLatest<State>()!.Metadata.Step);
    }

    [Fact]
    public void List_PayloadDamaged_StillListsItWhileLoadLatestDetectsIt()
    {
        CheckpointMetadata newest;
        using (var writer = Open(o => o.KeepLastN = null))
        {
            writer.Save(new State(1, [1.0]), step: 1, totalSteps: 3);
            _time.Advance(TimeSpan.FromSeconds(1));
            newest = writer.Save(new State(2, [2.0]), step: 2, totalSteps: 3, metrics: new Dictionary<string, double> { ["loss"] = 0.25 });
        }

        var bytes = File.ReadAllBytes(newest.FilePath);
        var chunk = CheckpointBytes.Chunks(bytes)[0];
        bytes[chunk.Offset + FormatConstants.ChunkHeaderSize + (chunk.StoredLength / 2)] ^= 0x40;
        File.WriteAllBytes(newest.FilePath, bytes);

        using var manager = Open(o => o.KeepLastN = null);
        var listed = manager.List();

        Assert.Equal([1L, 2L], listed.Select(m => m.Step));
        Assert.Equal(newest.Id, listed[1].Id);
        Assert.Equal(0.25, listed[1].Metrics["loss"]);
        Assert.Equal(newest.Checksum, listed[1].Checksum);
        var loaded = manager.LoadLatest<State>();
        Assert.NotNull(loaded);
        Assert.Equal(1, loaded.State.Epoch);
        var skipped = Assert.Single(loaded.Skipped);
        Assert.Contains("fails its checksum", skipped.Reason, StringComparison.Ordinal);
        Assert.Equal([1L], manager.List().Select(m => m.Step));
    }

    [Fact]
    public void List_FooterUnreadableOrNameNotCanonical_LeavesThemOut()
    {
        using var manager = Open(o => o.KeepLastN = null);
        var good = manager.Save(new State(1, []), step: 1);
        File.WriteAllBytes(Path.Combine(manager.RunDirectory, "checkpoint_step_5_20260506_070809.ckpt"), [1, 2, 3]);
        File.Copy(good.FilePath, Path.Combine(manager.RunDirectory, "checkpoint_step_01_20260506_070809.ckpt"));
        File.Copy(good.FilePath, Path.Combine(manager.RunDirectory, "copy.ckpt"));

        Assert.Equal([good.Id], manager.List().Select(m => m.Id));
    }

    [Fact]
    public void ReadOnly_WhileWriterIsOpen_OpensWithoutLockAndCanLoad()
    {
        using var writer = Open();
        writer.Save(new State(1, []), step: 1);

        using var reader = Open(o => o.ReadOnly = true);
        writer.Save(new State(2, []), step: 2);

        Assert.True(reader.IsReadOnly);
        Assert.Equal(2, reader.LoadLatest<State>()!.State.Epoch);
        Assert.Equal(2, reader.List().Count);
    }

    [Fact]
    public void ReadOnly_OpenedFirst_DoesNotBlockAWriter()
    {
        using var reader = Open(o => o.ReadOnly = true);
        using var writer = Open();

        writer.Save(new State(1, []), step: 1);

        Assert.Equal(1, reader.LoadLatest<State>()!.State.Epoch);
    }

    [Fact]
    public async Task ReadOnly_SaveOrDelete_ThrowsInvalidOperationAndChangesNothing()
    {
        using (var writer = Open())
        {
            writer.Save(new State(1, []), step: 1);
        }

        using var reader = Open(o => o.ReadOnly = true);
        var id = reader.List()[0].Id;

        Assert.Throws<InvalidOperationException>(() => reader.Save(new State(2, []), step: 2));
        await Assert.ThrowsAsync<InvalidOperationException>(() => reader.SaveAsync(new State(2, []), step: 2));
        Assert.Throws<InvalidOperationException>(() => reader.Delete(id));
        var ex = Assert.Throws<InvalidOperationException>(() => reader.DeleteAll());
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
        Assert.Equal([id], reader.List().Select(m => m.Id));
    }

    [Fact]
    public void ReadOnly_MissingRun_CreatesNothingAndFindsNothing()
    {
        using var reader = Open(o => o.ReadOnly = true);

        Assert.Null(reader.LoadLatest<State>());
        Assert.Null(reader.GetRecoveryInfo());
        Assert.Empty(reader.List());
        Assert.False(Directory.Exists(reader.RunDirectory));
    }

    [Fact]
    public void Open_LeftoverTemporaryFile_WriterRemovesItReaderLeavesIt()
    {
        var runDirectory = _root.RunDirectory("training", "run");
        Directory.CreateDirectory(runDirectory);
        var temp = Path.Combine(runDirectory, "checkpoint_step_3_20260101_000000.ckpt.tmp-123-abcdef01");
        File.WriteAllBytes(temp, [1, 2, 3]);

        using (var reader = Open(o => o.ReadOnly = true))
        {
            Assert.Empty(reader.List());
            Assert.True(File.Exists(temp));
        }

        using var writer = Open();
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public void Constructor_SecondWriterInProcess_ThrowsLockedNamingTheHolderUntilTheFirstIsDisposed()
    {
        var first = Open();

        var ex = Assert.Throws<CheckpointLockedException>(() => Open());

        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        Assert.Equal(Environment.MachineName, ex.HolderHost);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        first.Dispose();
        using var second = Open();
        second.Save(new State(1, []), step: 1);
    }

    [Fact]
    public async Task SaveAsync_CancelledToken_SavesNothingAndLeavesNoTemporaryFile()
    {
        using var manager = Open();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => manager.SaveAsync(new State(1, []), step: 1, cancellationToken: cts.Token));

        Assert.Empty(manager.List());
        Assert.Equal([LocalDirectoryStore.LockFileName], Directory.EnumerateFiles(manager.RunDirectory).Select(Path.GetFileName));
        var saved = await manager.SaveAsync(new State(2, []), step: 2);
        Assert.Equal(saved.Id, manager.List().Single().Id);
    }

    [Fact]
    public async Task SaveAsyncThenLoadLatestAsync_RoundTrips()
    {
        using var manager = Open();

        var saved = await manager.SaveAsync(new State(4, [4.5]), step: 4, totalSteps: 8);
        var loaded = await manager.LoadLatestAsync<State>();

        Assert.NotNull(loaded);
        Assert.Equal(saved.Id, loaded.Metadata.Id);
        Assert.Equal([4.5], loaded.State.Losses);
    }

    [Fact]
    public async Task Resume_FreshRun_ReturnsInitialStateAtStepZero()
    {
        using var manager = Open();

        var (resumed, startStep, state) = manager.Resume(() => new State(-1, [9.0]));
        var (resumedDefault, startDefault, stateDefault) = manager.Resume<State>();
        var asyncResult = await manager.ResumeAsync(() => new State(-2, []));

        Assert.False(resumed);
        Assert.Equal(0, startStep);
        Assert.Equal(-1, state.Epoch);
        Assert.False(resumedDefault);
        Assert.Equal(0, startDefault);
        Assert.Null(stateDefault);
        Assert.False(asyncResult.Resumed);
        Assert.Null(asyncResult.Checkpoint);
        Assert.Empty(asyncResult.Skipped);
        Assert.Equal(-2, asyncResult.State.Epoch);
    }

    [Fact]
    public async Task Resume_AfterSaves_ReturnsNewestStateAndItsStepWithoutCallingTheFactory()
    {
        using var manager = Open();
        manager.Save(new State(1, []), step: 10);
        _time.Advance(TimeSpan.FromSeconds(1));
        var newest = manager.Save(new State(2, []), step: 20);

        var result = manager.Resume<State>(() => throw new InvalidOperationException("must not be called"));
        var asyncResult = await manager.ResumeAsync<State>();

        Assert.True(result.Resumed);
        Assert.Equal(20, result.StartStep);
        Assert.Equal(2, result.State.Epoch);
        Assert.Equal(newest.Id, result.Checkpoint!.Id);
        Assert.True(asyncResult.Resumed);
        Assert.Equal(2, asyncResult.State!.Epoch);
    }

    [Fact]
    public void GetRecoveryInfo_EmptyRun_ReturnsNull()
    {
        using var manager = Open();

        Assert.Null(manager.GetRecoveryInfo());
    }

    [Fact]
    public void GetRecoveryInfo_AfterSave_DescribesTheNewestCheckpoint()
    {
        using var manager = Open();
        manager.Save(new State(1, []), step: 3, totalSteps: 12, CheckpointStatus.Failed);

        var info = manager.GetRecoveryInfo();

        Assert.NotNull(info);
        Assert.Equal("checkpoint_step_3_20260506_070809", info.CheckpointId);
        Assert.Equal(3, info.Step);
        Assert.Equal(12, info.TotalSteps);
        Assert.Equal(25.0, info.ProgressPercent);
        Assert.Equal(Start, info.TimestampUtc);
        Assert.Equal(CheckpointStatus.Failed, info.Status);
        Assert.Empty(info.Skipped);
    }

    [Fact]
    public void Save_InvalidArguments_ThrowsAndSavesNothing()
    {
        using var manager = Open();

        Assert.Throws<ArgumentOutOfRangeException>(() => manager.Save(new State(1, []), step: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => manager.Save(new State(1, []), step: 1, totalSteps: 0));
        Assert.Throws<ArgumentException>(() => manager.Save(new State(1, []), step: 1, metrics: new Dictionary<string, double> { [string.Empty] = 1 }));

        Assert.Empty(manager.List());
    }

    [Fact]
    public void Methods_AfterDispose_ThrowObjectDisposed()
    {
        var manager = Open();
        manager.Save(new State(1, []), step: 1);
        manager.Dispose();
        manager.Dispose();

        Assert.Throws<ObjectDisposedException>(() => manager.Save(new State(2, []), step: 2));
        Assert.Throws<ObjectDisposedException>(() => manager.LoadLatest<State>());
        Assert.Throws<ObjectDisposedException>(() => manager.List());
        Assert.Throws<ObjectDisposedException>(() => manager.GetRecoveryInfo());
        Assert.Throws<ObjectDisposedException>(() => manager.Delete("x"));
    }

    [Fact]
    public void LoadLatest_LowerStepSavedLater_StillReturnsTheHighestStep()
    {
        using var manager = Open(o => o.KeepLastN = null);
        manager.Save(new State(10, []), step: 10);
        _time.Advance(TimeSpan.FromSeconds(1));
        manager.Save(new State(5, []), step: 5);

        Assert.Equal(10, manager.LoadLatest<State>()!.State.Epoch);
    }

    private CheckpointManager Open(Action<CheckpointOptions>? configure = null) =>
        new("training", "run", _root.Options(o =>
        {
            o.TimeProvider = _time;
            configure?.Invoke(o);
        }));

    private sealed record State(int Epoch, List<double> Losses);
}
