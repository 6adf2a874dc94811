using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// The work list: done keys survive restarts and power cuts, intents without completion are reported, progress and ETA
/// follow the clock, snapshots and compaction keep the journal short.
/// </summary>
public sealed class WorkListTests : IDisposable
{
    private static readonly string[] Keys = Enumerable.Range(0, 10).Select(i => $"SERIES_{i:D3}").ToArray();
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Open_NewRun_EverythingPendingInTheGivenOrder()
    {
        using var manager = Manager();
        using var work = WorkList.Open(manager, Keys);
        Assert.Equal(10, work.Total);
        Assert.Equal(0, work.DoneCount);
        Assert.Equal(10, work.PendingCount);
        Assert.Equal(Keys, work.Pending);
        Assert.Empty(work.StartedNotFinished);
        Assert.Equal(0.0, work.ProgressPercent);
        Assert.Null(work.EstimatedRemaining);
        Assert.False(work.IsDone(Keys[0]));
    }

    [Fact]
    public async Task MarkDone_Reopen_DoneKeysStayDone()
    {
        using (var manager = Manager())
        using (var work = WorkList.Open(manager, Keys))
        {
            work.MarkDone(Keys[3]);
            await work.MarkDoneAsync(Keys[0]);
            work.MarkDone(Keys[7]);
            Assert.True(work.IsDone(Keys[3]));
            Assert.Equal(3, work.DoneCount);
            Assert.Equal(30.0, work.ProgressPercent);
        }

        using (var manager = Manager())
        using (var work = WorkList.Open(manager, Keys))
        {
            Assert.Equal(3, work.DoneCount);
            Assert.Equal(Keys.Where((_, i) => i is not (0 or 3 or 7)), work.Pending);
            Assert.True(work.IsDone(Keys[7]));
            Assert.False(work.IsDone(Keys[1]));
        }
    }

    [Fact]
    public void MarkDone_SameKeyTwice_RecordsItOnce()
    {
        using var manager = Manager();
        using var work = WorkList.Open(manager, Keys);
        work.MarkStarted(Keys[1]);
        work.MarkDone(Keys[1]);
        work.MarkDone(Keys[1]);
        work.MarkStarted(Keys[1]);
        Assert.Equal(1, work.DoneCount);
        Assert.Equal(2, work.Snapshot().JournalSequence);
    }

    [Fact]
    public void Open_InvalidKeys_Throws()
    {
        using var manager = Manager();
        Assert.Contains("more than once", Assert.Throws<ArgumentException>(() => WorkList.Open(manager, ["a", "b", "a"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => WorkList.Open(manager, ["a", string.Empty]));
        Assert.Throws<ArgumentException>(() => WorkList.Open(manager, ["a"], new WorkListOptions { SnapshotEvery = 0 }));
        using var work = WorkList.Open(manager, ["a"]);
        Assert.Contains("not one of", Assert.Throws<ArgumentException>(() => work.MarkDone("b")).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => work.MarkStarted("b"));
    }

    [Fact]
    public void MarkStarted_PowerCutBeforeDone_ReportedAfterRestartUntilDone()
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        var manager = JournalTestKit.Simulated(disk);
        var work = WorkList.Open(manager, Keys);
        work.MarkStarted(Keys[4]);
        work.MarkStarted(Keys[2]);
        work.MarkStarted(Keys[5]);
        work.MarkDone(Keys[5]);

        // The power goes out: only what was fsynced survives (the intents were committed with the completion).
        var image = disk.CrashImage(new CrashOutcome(NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly, 0));
        using (var restarted = JournalTestKit.Simulated(image))
        using (var resumed = WorkList.Open(restarted, Keys))
        {
            Assert.Equal([Keys[4], Keys[2]], resumed.StartedNotFinished);
            Assert.True(resumed.IsDone(Keys[5]));
            resumed.MarkDone(Keys[2]);
            Assert.Equal([Keys[4]], resumed.StartedNotFinished);
        }

        using (var restarted = JournalTestKit.Simulated(image))
        using (var resumed = WorkList.Open(restarted, Keys))
        {
            Assert.Equal([Keys[4]], resumed.StartedNotFinished);
        }
    }

    [Fact]
    public void StartedNotFinished_KeptInSnapshots()
    {
        using (var manager = Manager())
        using (var work = WorkList.Open(manager, Keys))
        {
            work.MarkStarted(Keys[1]);
            work.MarkDone(Keys[0]);
            work.Snapshot();
        }

        using (var manager = Manager())
        using (var work = WorkList.Open(manager, Keys))
        {
            Assert.Equal([Keys[1]], work.StartedNotFinished);
            Assert.Equal(1, work.DoneCount);
        }
    }

    [Fact]
    public void MarkDone_EverySnapshotEvery_SavesSnapshotAndCompactsTheJournal()
    {
        var keys = Enumerable.Range(0, 23).Select(i => $"k{i}").ToArray();
        using var manager = Manager(o => o.KeepLastN = 2);
        using (var work = WorkList.Open(manager, keys, new WorkListOptions { SnapshotEvery = 5 }))
        {
            foreach (var key in keys)
            {
                work.MarkDone(key);
            }

            var snapshots = manager.List();
            Assert.Equal([15L, 20L], snapshots.Select(s => s.Step));
            Assert.Equal([15L, 20L], snapshots.Select(s => s.JournalSequence!.Value));
            Assert.All(snapshots, s => Assert.Equal(23, s.TotalSteps));
            Assert.All(snapshots, s => Assert.Equal("1.1", s.FormatVersion));
        }

        // Dispose saved a final snapshot; the segments before the oldest retained one (20) are gone.
        Assert.Equal([20L, 23L], manager.List().Select(s => s.Step));
        var segments = JournalTestKit.SegmentFiles(Path.Combine(manager.RunDirectory, "journal"));
        Assert.Equal([SegmentFile.Name(21), SegmentFile.Name(24)], segments);
    }

    [Fact]
    public void EstimatedRemaining_FollowsThisSessionsRate()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        using var manager = Manager(o => o.TimeProvider = time);
        using var work = WorkList.Open(manager, Keys);
        Assert.Null(work.EstimatedRemaining);
        time.Advance(TimeSpan.FromSeconds(10));
        work.MarkDone(Keys[0]);
        work.MarkDone(Keys[1]);
        Assert.Equal(TimeSpan.FromSeconds(40), work.EstimatedRemaining);
        time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(TimeSpan.FromSeconds(64), work.EstimatedRemaining);
        foreach (var key in Keys.Skip(2))
        {
            work.MarkDone(key);
        }

        Assert.Equal(TimeSpan.Zero, work.EstimatedRemaining);
        Assert.Equal(100.0, work.ProgressPercent);
    }

    [Fact]
    public async Task MarkDoneAsync_ManyConcurrentCallers_EveryKeyDoneOnce()
    {
        var keys = Enumerable.Range(0, 240).Select(i => $"k{i:D4}").ToArray();
        using (var manager = Manager())
        await using (var work = WorkList.Open(manager, keys, new WorkListOptions { SnapshotEvery = 50 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = w; i < keys.Length; i += 8)
                {
                    work.MarkStarted(keys[i]);
                    await work.MarkDoneAsync(keys[i]);
                    Assert.True(work.IsDone(keys[i]));
                }
            })));
            Assert.Equal(keys.Length, work.DoneCount);
        }

        using (var manager = Manager())
        using (var work = WorkList.Open(manager, keys))
        {
            Assert.Equal(keys.Length, work.DoneCount);
            Assert.Empty(work.Pending);
            Assert.Empty(work.StartedNotFinished);
        }
    }

    [Fact]
    public void Open_OtherKeyList_RemembersKeysDoneEarlier()
    {
        using (var manager = Manager())
        using (var work = WorkList.Open(manager, ["a", "b", "c"]))
        {
            work.MarkDone("a");
            work.MarkDone("c");
        }

        using (var manager = Manager())
        using (var work = WorkList.Open(manager, ["c", "d"]))
        {
            Assert.Equal(1, work.DoneCount);
            Assert.True(work.IsDone("a"));
            Assert.Equal(["d"], work.Pending);
            work.MarkDone("d");
        }

        using (var manager = Manager())
        using (var work = WorkList.Open(manager, ["a", "b", "c", "d"]))
        {
            Assert.Equal(["b"], work.Pending);
        }
    }

    [Fact]
    public void Open_RunOfAJournaledState_ThrowsClearError()
    {
        using (var manager = Manager())
        using (var state = JournaledState<List<int>, int>.Open(manager, () => [], (s, e) => [.. s, e]))
        {
            state.Append(1);
        }

        using (var manager = Manager())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => WorkList.Open(manager, Keys));
            Assert.Contains("not by a WorkList", ex.Message, StringComparison.Ordinal);

            // The failed open released the journal.
            using var journal = Checkpointing.Journaling.Journal.Open(manager);
        }
    }

    [Fact]
    public void MarkDone_PowerCutAtRandomPoints_AcknowledgedKeysDoneAndNothingInvented()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var keys = Enumerable.Range(0, 40).Select(i => $"k{i:D2}").ToArray();
        var totalOperations = RunWorkList(keys, seed, crashAfter: null, out _, out _).OperationCount;
        var midway = 0;
        for (var round = 0; round < 60; round++)
        {
            var crashAfter = rng.Next(totalOperations);
            var disk = RunWorkList(keys, seed, crashAfter, out var acknowledged, out var attempted);
            midway += acknowledged.Count is > 0 and < 40 ? 1 : 0;
            var outcome = round % 2 == 0 ? CrashOutcome.Random(seed + round) : CrashOutcome.Extremes[round % CrashOutcome.Extremes.Count];
            var context = $"round {round}, crash after operation {crashAfter}, {outcome}; {TestSeed.Describe(seed)}";
            using var manager = JournalTestKit.Simulated(disk.CrashImage(outcome));
            using var work = WorkList.Open(manager, keys, new WorkListOptions { SnapshotEvery = 7 });
            foreach (var key in acknowledged)
            {
                Assert.True(work.IsDone(key), $"{key} was acknowledged but is not done; {context}");
            }

            foreach (var key in keys.Where(work.IsDone))
            {
                Assert.True(attempted.Contains(key), $"{key} is done but was never marked; {context}");
            }

            Assert.DoesNotContain(work.StartedNotFinished, work.IsDone);
        }

        Assert.True(midway > 30, $"only {midway} of 60 power cuts came while keys were being marked; {TestSeed.Describe(seed)}");
    }

    /// <summary>Marks keys done in a seeded order (starting each first), snapshotting every 7, until the simulated power cut.</summary>
    private static SimulatedFileSystem RunWorkList(string[] keys, int seed, int? crashAfter, out List<string> acknowledged, out HashSet<string> attempted)
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        acknowledged = [];
        attempted = [];
        var order = keys.ToArray();
        new Random(seed).Shuffle(order);
        try
        {
            var manager = JournalTestKit.Simulated(disk, o => o.KeepLastN = 2);
            if (crashAfter is int n)
            {
                disk.CrashAfter(disk.OperationCount + n);
            }

            var work = WorkList.Open(manager, keys, new WorkListOptions { SnapshotEvery = 7, Journal = new JournalOptions { SegmentBytes = 4096 } });
            foreach (var key in order)
            {
                work.MarkStarted(key);
                attempted.Add(key);
                work.MarkDone(key);
                acknowledged.Add(key);
            }

            work.Dispose();
        }
        catch (SimulatedCrashException)
        {
            // The power went out.
        }
        catch (CheckpointStorageException ex) when (ex.InnerException is SimulatedCrashException || disk.HasCrashed)
        {
            // The journal reported the power cut as its own failure.
        }

        return disk;
    }

    private CheckpointManager Manager(Action<CheckpointOptions>? configure = null) =>
        new(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options(configure));
}
