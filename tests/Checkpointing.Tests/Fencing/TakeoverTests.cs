using Checkpointing.Journaling;
using Checkpointing.Storage;
using Checkpointing.Tests.Background;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Fencing;

/// <summary>Writer generations and lock takeover on the real file system, in one process (two open file descriptions lock like two processes).</summary>
public sealed class TakeoverTests : IDisposable
{
    private const string Type = "training";
    private const string Run = "fenced";

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Save_EachWriterOpening_RecordsTheNextGeneration()
    {
        var generations = new List<long?>();
        for (var i = 1; i <= 3; i++)
        {
            using var manager = Open();
            generations.Add(manager.Save(new Payload(i, "w"), step: i).WriterGeneration);
        }

        Assert.Equal([1L, 2L, 3L], generations);
        using var reader = Open(readOnly: true);
        Assert.Equal([1L, 2L, 3L], reader.List().Select(m => m.WriterGeneration));
    }

    [Fact]
    public void Open_HeldWithoutTakeover_ThrowsLockedAndPointsAtTakeOverLock()
    {
        using var holder = Open();

        var ex = Assert.Throws<CheckpointLockedException>(() => Open());

        Assert.Contains(nameof(CheckpointOptions.TakeOverLock), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ReadOnlyAndTakeOver_IsRejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new CheckpointManager(Type, Run, _root.Options(o =>
        {
            o.ReadOnly = true;
            o.TakeOverLock = true;
        })));

        Assert.Contains("TakeOverLock", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_AfterTakeover_FailsFencedAndPublishesNothing()
    {
        using var a = Open();
        a.Save(new Payload(1, "a"), step: 1);
        a.Save(new Payload(2, "a"), step: 2);
        using var b = Open(takeOver: true);
        var bSaved = b.Save(new Payload(3, "b"), step: 3);
        var before = Snapshot();

        var ex = Assert.Throws<CheckpointFencedException>(() => a.Save(new Payload(3, "a"), step: 3));
        var again = Assert.Throws<CheckpointFencedException>(() => a.Save(new Payload(9, "a"), step: 9));

        Assert.Equal(1, ex.WriterGeneration);
        Assert.Equal(2, ex.CurrentGeneration);
        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        Assert.False(ex.IsTransient);
        Assert.Equal(1, again.WriterGeneration);
        Assert.Equal(before, Snapshot());
        Assert.Equal(2, bSaved.WriterGeneration);
        var latest = b.LoadLatest<Payload>()!;
        Assert.Equal(new Payload(3, "b"), latest.State);
        Assert.Empty(latest.Skipped);
    }

    [Fact]
    public void DeleteAndDeleteAll_AfterTakeover_FailFencedAndDeleteNothing()
    {
        using var a = Open();
        var first = a.Save(new Payload(1, "a"), step: 1);
        using var b = Open(takeOver: true);
        var before = Snapshot();

        Assert.Throws<CheckpointFencedException>(() => a.Delete(first.Id));
        Assert.Throws<CheckpointFencedException>(() => a.DeleteAll());

        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public void Dispose_OfTheFencedWriter_LeavesTheNewOwnersLockInPlace()
    {
        var a = Open();
        using var b = Open(takeOver: true);
        a.Dispose();

        var ex = Assert.Throws<CheckpointLockedException>(() => Open());

        Assert.Equal(Environment.ProcessId, ex.HolderProcessId);
        b.Save(new Payload(1, "b"), step: 1);
    }

    [Fact]
    public void Takeover_RecordsAFenceAtTheNewestStep()
    {
        using var a = Open();
        a.Save(new Payload(7, "a"), step: 7);
        using var b = Open(takeOver: true);

        var record = WriterRecord.Parse(PosixFileSystem.Instance.ReadLockRecord(Path.Combine(_root.RunDirectory(Type, Run), LocalDirectoryStore.LockFileName)));

        Assert.Equal(2, record.Generation);
        Assert.Equal([new WriterFence(1, 7)], record.Fences);
    }

    [Fact]
    public void LoadLatest_ACheckpointPublishedLateByTheFencedGeneration_IsSkippedAndQuarantined()
    {
        using (var a = Open())
        {
            a.Save(new Payload(3, "a"), step: 3);
            using var b = Open(takeOver: true);
            b.Save(new Payload(4, "b"), step: 4);

            // What a writer paused between its last check and its rename publishes when it resumes: a generation-1 file above the fence step.
            LatePublish.CopyInto(_root, Type, Run, new Payload(5, "a-late"), step: 5);

            using (var reader = Open(readOnly: true))
            {
                var seen = reader.LoadLatest<Payload>()!;
                Assert.Equal(new Payload(4, "b"), seen.State);
                var skipped = Assert.Single(seen.Skipped);
                Assert.Contains("published late by writer generation 1", skipped.Reason, StringComparison.Ordinal);
                Assert.Null(skipped.QuarantinedTo);
            }

            var loaded = b.LoadLatest<Payload>()!;
            Assert.Equal(new Payload(4, "b"), loaded.State);
            Assert.NotNull(Assert.Single(loaded.Skipped).QuarantinedTo);
        }

        using var next = Open();
        Assert.Equal(new Payload(4, "b"), next.LoadLatest<Payload>()!.State);
        Assert.Equal(3, next.Save(new Payload(5, "c"), step: 5).WriterGeneration);
    }

    [Fact]
    public void ListAndLoad_ACheckpointPublishedLate_AreMarkedSo()
    {
        using var a = Open();
        var before = a.Save(new Payload(3, "a"), step: 3);
        using var b = Open(takeOver: true);
        var own = b.Save(new Payload(4, "b"), step: 4);
        var lateId = LatePublish.CopyInto(_root, Type, Run, new Payload(5, "a-late"), step: 5);

        using var reader = Open(readOnly: true);
        var listed = reader.List();

        Assert.Equal([(before.Id, false), (own.Id, false), (lateId, true)], listed.Select(m => (m.Id, m.IsPublishedLate)));
        Assert.True(reader.Load<Payload>(lateId).Metadata.IsPublishedLate);
        Assert.True(reader.Load<Payload>(5).Metadata.IsPublishedLate);
        Assert.False(reader.Load<Payload>(own.Id).Metadata.IsPublishedLate);
        Assert.False(own.IsPublishedLate);
    }

    [Fact]
    public async Task Save_TakenOverWhilePublishing_FailsFencedAndTheFileIsTheNewOwnersToUse()
    {
        var fs = new HeldFileSystem();
        using var a = new CheckpointManager(Type, Run, _root.Options(o => o.KeepLastN = null), fs, LocalStoreFaults.None);
        a.Save(new Payload(1, "a"), step: 1);
        var directorySync = fs.HoldNextDirectorySync();
        var saving = Task.Run(() => a.Save(new Payload(2, "a"), step: 2));
        directorySync.WaitUntilHeld();

        using var b = Open(takeOver: true);
        directorySync.Release();
        var ex = await Assert.ThrowsAsync<CheckpointFencedException>(() => saving);

        Assert.Contains("while this save was being published", ex.Message, StringComparison.Ordinal);
        var latest = b.LoadLatest<Payload>()!;
        Assert.Equal(new Payload(2, "a"), latest.State);
        Assert.Empty(latest.Skipped);
    }

    [Fact]
    public void LoadLatest_OnlyALatePublishOfTheFencedWriter_IsAFreshStartNotCorruption()
    {
        using var a = Open();
        using var b = Open(takeOver: true);
        LatePublish.CopyInto(_root, Type, Run, new Payload(5, "a-late"), step: 5);

        Assert.Null(b.LoadLatest<Payload>());
        Assert.Single(b.List());
    }

    [Fact]
    public void JournalCommit_AfterTakeover_FailsFencedAndTheNewOwnerReadsOnlyItsRecords()
    {
        using (var a = Open())
        {
            using var journalA = Journal.Open(a);
            journalA.Append([1]);
            journalA.Commit();
            using var b = Open(takeOver: true);

            journalA.Append([2]);
            Assert.Throws<CheckpointFencedException>(journalA.Commit);
        }

        using var reopened = Open();
        using var journal = Journal.Open(reopened);
        Assert.Equal([[1]], journal.ReadAfter(0).Select(r => r.Payload.ToArray()));
    }

    private CheckpointManager Open(bool takeOver = false, bool readOnly = false) =>
        new(Type, Run, _root.Options(o =>
        {
            o.TakeOverLock = takeOver;
            o.ReadOnly = readOnly;
            o.KeepLastN = null;
        }));

    private SortedDictionary<string, string> Snapshot()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(_root.RunDirectory(Type, Run), "*", SearchOption.AllDirectories))
        {
            if (Path.GetFileName(path) != LocalDirectoryStore.LockFileName)
            {
                files[Path.GetRelativePath(_root.Path, path)] = Convert.ToHexString(File.ReadAllBytes(path));
            }
        }

        return files;
    }

    private sealed record Payload(long Step, string Writer);
}
