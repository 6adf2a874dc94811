using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Fencing;

/// <summary>Retention and a checkpoint published late by a writer that lost the run: not one of the newest, never at a valid one's cost.</summary>
public sealed class LatePublishRetentionTests : IDisposable
{
    private const string Type = "training";
    private const string Run = "late";

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void ApplyRetention_ALatePublishNewerThanEverything_KeepsTheNewestValidAndQuarantinesTheLateFileUnlessDryRun()
    {
        using var a = Open(keepLastN: 1);
        a.Save(new Payload(1, "a"), step: 1);
        using var b = Open(keepLastN: 1, takeOver: true);
        var valid = b.Save(new Payload(2, "b"), step: 2);
        var late = LatePublish.CopyInto(_root, Type, Run, new Payload(3, "a-late"), step: 3) + ".ckpt";

        var wouldDelete = b.ApplyRetention(dryRun: true);
        Assert.True(File.Exists(Path.Combine(RunDirectory, late)));
        var deleted = b.ApplyRetention();

        Assert.DoesNotContain(valid.Id, wouldDelete);
        Assert.DoesNotContain(valid.Id, deleted);
        Assert.True(File.Exists(valid.FilePath));
        Assert.False(File.Exists(Path.Combine(RunDirectory, late)));
        Assert.True(File.Exists(Path.Combine(RunDirectory, "quarantine", late)));
        Assert.Equal(new Payload(2, "b"), b.LoadLatest<Payload>()!.State);
    }

    [Fact]
    public void Save_WithALatePublishInTheRun_KeepsLastNValidCheckpoints()
    {
        using var a = Open(keepLastN: 2);
        a.Save(new Payload(1, "a"), step: 1);
        a.Save(new Payload(2, "a"), step: 2);
        using var b = Open(keepLastN: 2, takeOver: true);
        var third = b.Save(new Payload(3, "b"), step: 3);
        LatePublish.CopyInto(_root, Type, Run, new Payload(5, "a-late"), step: 5);
        b.List(); // a listing, as every read makes: the writer's own view of its files now has the late one

        var fourth = b.Save(new Payload(4, "b"), step: 4);

        Assert.Equal([third.Id, fourth.Id], b.List().Select(m => m.Id));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(RunDirectory, "quarantine"), "*.ckpt"));
    }

    private string RunDirectory => _root.RunDirectory(Type, Run);

    private CheckpointManager Open(int keepLastN, bool takeOver = false) => new(Type, Run, _root.Options(o =>
    {
        o.KeepLastN = keepLastN;
        o.TakeOverLock = takeOver;
    }));

    private sealed record Payload(long Step, string Writer);
}
