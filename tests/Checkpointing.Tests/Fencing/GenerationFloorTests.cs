using Checkpointing.Storage;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Fencing;

/// <summary>A writer's generation starts above every generation the run's checkpoints record, whatever writer.lock says.</summary>
public sealed class GenerationFloorTests : IDisposable
{
    private const string Type = "training";
    private const string Run = "floor";

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string LockPath => Path.Combine(_root.RunDirectory(Type, Run), LocalDirectoryStore.LockFileName);

    [Fact]
    public void Open_AfterWriterLockWasDeleted_TakesAGenerationAboveEveryCheckpoint()
    {
        for (var i = 1; i <= 3; i++)
        {
            using var manager = Open();
            manager.Save(new Payload(i, "w"), step: i);
        }

        File.Delete(LockPath);
        using var next = Open();

        Assert.Equal(4, next.Save(new Payload(4, "w"), step: 4).WriterGeneration);
        Assert.Equal(4, ReadRecord().Generation);
    }

    [Fact]
    public void Open_WriterLockOlderThanTheCheckpoints_TakesAGenerationAboveThem()
    {
        for (var i = 1; i <= 3; i++)
        {
            using var manager = Open();
            manager.Save(new Payload(i, "w"), step: i);
        }

        // A record restored from an older copy of the run: generation 1, while the checkpoints reach 3.
        File.WriteAllText(LockPath, "pid=1\nhost=h\ngeneration=1\n");
        using var next = Open();

        Assert.Equal(4, next.Save(new Payload(4, "w"), step: 4).WriterGeneration);
    }

    [Fact]
    public void Open_WriterLockDeletedUnderALiveWriter_FencesItAndSkipsWhatItPublishesLate()
    {
        using var a = Open();
        a.Save(new Payload(1, "a"), step: 1);
        a.Save(new Payload(2, "a"), step: 2);
        File.Delete(LockPath);

        using var b = Open();
        var record = ReadRecord();
        Assert.Equal(2, record.Generation);
        Assert.Equal([new WriterFence(1, 2)], record.Fences);
        Assert.Throws<CheckpointFencedException>(() => a.Save(new Payload(3, "a"), step: 3));

        // What A publishes if it was paused between its last check and its rename: generation 1, above step 2.
        LatePublish.CopyInto(_root, Type, Run, new Payload(3, "a-late"), step: 3);
        var latest = b.LoadLatest<Payload>()!;

        Assert.Equal(new Payload(2, "a"), latest.State);
        Assert.Contains("published late by writer generation 1", Assert.Single(latest.Skipped).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_AfterACleanRun_AddsNoFence()
    {
        using (var a = Open())
        {
            a.Save(new Payload(1, "a"), step: 1);
        }

        using var b = Open();

        Assert.Empty(ReadRecord().Fences);
    }

    /// <summary>The record as a reader sees it (with open(2): .NET's own reads take a shared lock the holder's refuses).</summary>
    private WriterRecord ReadRecord() => WriterRecord.Parse(PosixFileSystem.Instance.ReadLockRecord(LockPath));

    private CheckpointManager Open() => new(Type, Run, _root.Options(o => o.KeepLastN = null));

    private sealed record Payload(long Step, string Writer);
}
