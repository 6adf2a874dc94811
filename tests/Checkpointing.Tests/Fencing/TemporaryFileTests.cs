using Checkpointing.Storage;
using Checkpointing.Tests.Background;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Fencing;

/// <summary>What a writer opening the run does with the temp files it finds: removes those left by processes that are gone, and only those.</summary>
public sealed class TemporaryFileTests : IDisposable
{
    private const string Type = "training";
    private const string Run = "temps";

    // Above any pid_max (2^22 on Linux): never a live process.
    private const int DeadProcessId = int.MaxValue;

    // init (or a container's first process): always alive.
    private const int LiveProcessId = 1;

    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string RunDirectory => _root.RunDirectory(Type, Run);

    [Fact]
    public void Open_TempFilesOfLiveAndDeadProcesses_RemovesOnlyTheDeadOnes()
    {
        Directory.CreateDirectory(RunDirectory);
        string[] live = [$"writer.lock.tmp-{LiveProcessId}", $"checkpoint_step_3_20260101_000000.ckpt.tmp-{LiveProcessId}-0000abcd"];
        string[] left =
        [
            $"writer.lock.tmp-{DeadProcessId}",
            $"checkpoint_step_3_20260101_000000.ckpt.tmp-{DeadProcessId}-0000abcd",
            $"checkpoint_step_4_20260101_000000.ckpt.tmp-{Environment.ProcessId}-0000abcd", // this pid, but not this process's
            "checkpoint_step_5_20260101_000000.ckpt.tmp-garbage",
        ];
        foreach (var name in live.Concat(left))
        {
            File.WriteAllText(Path.Combine(RunDirectory, name), "x");
        }

        using var writer = Open();

        Assert.Equal(live.Order(StringComparer.Ordinal), TempFiles());
    }

    [Fact]
    public async Task Open_ByTakeoverDuringTheHoldersSave_LeavesItsTempFileAndTheSaveFailsFenced()
    {
        var fs = new HeldFileSystem();
        using var a = new CheckpointManager(Type, Run, _root.Options(o => o.KeepLastN = null), fs, LocalStoreFaults.None);
        a.Save(new Payload(1, "a"), step: 1);
        var tempSync = fs.HoldNextTempSync();
        var saving = Task.Run(() => a.Save(new Payload(2, "a"), step: 2));
        tempSync.WaitUntilHeld();
        var inFlight = Assert.Single(TempFiles());

        using var b = Open(takeOver: true);
        var afterOpen = TempFiles();
        tempSync.Release();
        var ex = await Assert.ThrowsAsync<CheckpointFencedException>(() => saving);

        Assert.Equal([inFlight], afterOpen);
        Assert.Contains("Nothing was published", ex.Message, StringComparison.Ordinal);
        Assert.Empty(TempFiles());
        Assert.Equal(new Payload(1, "a"), b.LoadLatest<Payload>()!.State);
    }

    [Theory]
    [InlineData("checkpoint_step_3_20260101_000000.ckpt.tmp-6662-1a2b3c4d", 6662)]
    [InlineData("writer.lock.tmp-4907", 4907)]
    [InlineData("study.journal.tmp-new", null)]
    [InlineData("x.ckpt.tmp--12", null)]
    [InlineData("x.ckpt.tmp-0-00", null)]
    [InlineData("x.ckpt.tmp-99999999999-00", null)]
    public void ProcessIdOf_ReadsTheIdAfterTheMarker(string name, int? pid) =>
        Assert.Equal(pid, TemporaryFiles.ProcessIdOf(name));

    private string[] TempFiles() =>
        [.. Directory.EnumerateFiles(RunDirectory).Select(Path.GetFileName).OfType<string>().Where(n => n.Contains(LocalDirectoryStore.TempMarker, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

    private CheckpointManager Open(bool takeOver = false) => new(Type, Run, _root.Options(o =>
    {
        o.KeepLastN = null;
        o.TakeOverLock = takeOver;
    }));

    private sealed record Payload(long Step, string Writer);
}
