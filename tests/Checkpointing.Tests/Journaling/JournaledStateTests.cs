using Checkpointing.Journaling;
using Checkpointing.Serialization;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// Journaled state: an event is durable before it changes the state; snapshots plus replay rebuild exactly the state of
/// the acknowledged events, through restarts, power cuts and damaged snapshots; intents are reported after a restart.
/// </summary>
public sealed class JournaledStateTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Append_Reopen_StateAndEventCountRestored()
    {
        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager))
        {
            Assert.Equal(0, ledger.EventCount);
            ledger.Append(5);
            ledger.Append(-2);
            Assert.Equal([5L, -2L], ledger.State.Items);
            Assert.Equal(3, ledger.State.Sum);
            Assert.Equal(2, ledger.EventCount);
        }

        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager))
        {
            Assert.Equal([5L, -2L], ledger.State.Items);
            Assert.Equal(2, ledger.EventCount);
            ledger.Append(1);
        }

        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager))
        {
            Assert.Equal(4, ledger.State.Sum);
            Assert.Equal(3, ledger.EventCount);
        }
    }

    [Fact]
    public void Snapshot_IsACheckpointTheManagerCanLoad()
    {
        using var manager = Manager();
        using var ledger = Ledger.Open(manager);
        ledger.Append(7);
        ledger.RecordIntent("order-1");
        var metadata = ledger.Snapshot();

        Assert.Equal(1, metadata.Step);
        Assert.Equal(2, metadata.JournalSequence);
        Assert.Equal("1.1", metadata.FormatVersion);
        Assert.Equal("state", metadata.Tags["journal"]);
        Assert.Equal([7L], manager.LoadLatest<LedgerState>()!.State.Items);
    }

    [Fact]
    public void Append_SnapshotEvery_SavesSnapshotsAndKeepsOnlySegmentsRetainedSnapshotsNeed()
    {
        using var manager = Manager(o => o.KeepLastN = 3);
        using (var ledger = Ledger.Open(manager, new JournaledStateOptions { SnapshotEvery = 4 }))
        {
            for (var i = 1; i <= 30; i++)
            {
                ledger.Append(i);
            }
        }

        var snapshots = manager.List();
        Assert.Equal([24L, 28L, 30L], snapshots.Select(s => s.Step));
        Assert.Equal([24L, 28L, 30L], snapshots.Select(s => s.JournalSequence!.Value));
        using var journal = Checkpointing.Journaling.Journal.Open(manager);
        Assert.True(journal.FirstSequence <= 25, $"records after the oldest retained snapshot were deleted (first is {journal.FirstSequence})");
        Assert.True(journal.FirstSequence > 20, $"segments before the oldest retained snapshot were kept (first is {journal.FirstSequence})");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Open_NewerSnapshotsDamaged_FallsBackToOlderRetainedSnapshotAndReplaysToTheSameState(int damaged)
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var events = Enumerable.Range(0, 57).Select(_ => (long)rng.Next(-1000, 1000)).ToList();
        using (var manager = Manager(o => o.KeepLastN = 4))
        using (var ledger = Ledger.Open(manager, new JournaledStateOptions { SnapshotEvery = 5 }))
        {
            foreach (var e in events)
            {
                ledger.Append(e);
            }
        }

        using (var manager = Manager())
        {
            var snapshots = manager.List();
            Assert.Equal([45L, 50L, 55L, 57L], snapshots.Select(s => s.JournalSequence!.Value));
            foreach (var victim in snapshots.TakeLast(damaged))
            {
                var bytes = File.ReadAllBytes(victim.FilePath);
                bytes[bytes.Length / 2] ^= 0x40;
                File.WriteAllBytes(victim.FilePath, bytes);
            }
        }

        var reopened = Manager();
        var resumed = Ledger.Open(reopened, new JournaledStateOptions { SnapshotEvery = 1000 });
        var context = $"{damaged} newest snapshot(s) damaged; {TestSeed.Describe(seed)}";
        Assert.True(events.SequenceEqual(resumed.State.Items), $"the state differs; {context}");
        Assert.Equal(events.Count, resumed.EventCount);
        Assert.Equal(damaged, Directory.GetFiles(Path.Combine(reopened.RunDirectory, "quarantine"), "*.ckpt").Length);
        Ledger.Kill(reopened, resumed);
    }

    [Fact]
    public void Open_JournalLostAfterSnapshot_ContinuesWithNewerSequenceNumbers()
    {
        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager))
        {
            ledger.Append(1);
            ledger.Append(2);
            ledger.Snapshot();
        }

        Directory.Delete(Path.Combine(_root.RunDirectory(JournalTestKit.ProcessType, JournalTestKit.RunName), "journal"), recursive: true);
        var manager2 = Manager();
        var ledger2 = Ledger.Open(manager2);
        Assert.Equal([1L, 2L], ledger2.State.Items);
        ledger2.Append(3);
        Ledger.Kill(manager2, ledger2);

        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager, new JournaledStateOptions { SnapshotEvery = 1000 }))
        {
            Assert.Equal([1L, 2L, 3L], ledger.State.Items);
            Assert.Single(manager.List());
        }
    }

    [Fact]
    public void RecordIntent_PowerCutBeforeCompletion_ReportedAfterRestartUntilCompleted()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.Zero));
        var disk = JournalTestKit.NewSimulatedDisk();
        var manager = JournalTestKit.Simulated(disk, o => o.TimeProvider = time);
        var ledger = Ledger.Open(manager);
        ledger.RecordIntent("order-1", "buy 10 ACME");
        time.Advance(TimeSpan.FromMinutes(1));
        ledger.RecordIntent("order-2");
        ledger.Append(10);
        ledger.CompleteIntent("order-2");
        Assert.Throws<ArgumentException>(() => ledger.RecordIntent("order-1"));

        var image = disk.CrashImage(new CrashOutcome(NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly, 0));
        using (var restarted = JournalTestKit.Simulated(image))
        using (var resumed = Ledger.Open(restarted))
        {
            var intent = Assert.Single(resumed.PendingIntents);
            Assert.Equal(new PendingIntent("order-1", "buy 10 ACME", new DateTimeOffset(2026, 11, 29, 9, 30, 0, TimeSpan.Zero)), intent);
            Assert.Equal([10L], resumed.State.Items);
            resumed.Snapshot();
        }

        using (var restarted = JournalTestKit.Simulated(image))
        using (var resumed = Ledger.Open(restarted))
        {
            Assert.Equal("order-1", Assert.Single(resumed.PendingIntents).Id);
            resumed.CompleteIntent("order-1");
            resumed.CompleteIntent("never-recorded");
            Assert.Empty(resumed.PendingIntents);
        }

        using (var restarted = JournalTestKit.Simulated(image))
        using (var resumed = Ledger.Open(restarted))
        {
            Assert.Empty(resumed.PendingIntents);
        }
    }

    [Fact]
    public void Append_ApplyThrows_EventIsDurableAndTheObjectRefusesFurtherCalls()
    {
        using (var manager = Manager())
        using (var state = JournaledState<List<long>, long>.Open(manager, () => [], (s, e) => e == 13 ? throw new InvalidDataException("unlucky") : [.. s, e]))
        {
            state.Append(1);
            var ex = Assert.Throws<InvalidOperationException>(() => state.Append(13));
            Assert.Contains("already durable", ex.Message, StringComparison.Ordinal);
            Assert.IsType<InvalidDataException>(ex.InnerException);
            Assert.Throws<InvalidOperationException>(() => state.Append(2));
            Assert.Equal([1L], state.State);
        }

        using (var manager = Manager())
        using (var state = JournaledState<List<long>, long>.Open(manager, () => [], (s, e) => [.. s, e]))
        {
            Assert.Equal([1L, 13L], state.State);
        }
    }

    [Fact]
    public async Task AppendAsync_ManyConcurrentWriters_AppliedInJournalOrderAndRestored()
    {
        List<long> final;
        using (var manager = Manager())
        await using (var ledger = Ledger.Open(manager, new JournaledStateOptions { SnapshotEvery = 37 }))
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 40; i++)
                {
                    await ledger.AppendAsync((w * 1000) + i);
                }
            })));
            Assert.Equal(320, ledger.EventCount);
            final = [.. ledger.State.Items];
        }

        Assert.Equal(Enumerable.Range(0, 8).SelectMany(w => Enumerable.Range(0, 40).Select(i => (long)((w * 1000) + i))).Order(), final.Order());
        for (var w = 0; w < 8; w++)
        {
            var mine = final.Where(x => x / 1000 == w).ToList();
            Assert.Equal(mine.Order(), mine);
        }

        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager))
        {
            Assert.Equal(final, ledger.State.Items);
        }
    }

    [Fact]
    public void Open_CustomSerializer_UsedForEventsAndSnapshots()
    {
        var serializer = new CountingSerializer();
        var first = Manager();
        var ledger1 = Ledger.Open(first, new JournaledStateOptions { Serializer = serializer });
        ledger1.Append(4);
        ledger1.Snapshot();
        ledger1.Append(5);
        Ledger.Kill(first, ledger1);

        Assert.Equal(3, serializer.Serialized);
        using (var manager = Manager())
        using (var ledger = Ledger.Open(manager, new JournaledStateOptions { Serializer = serializer }))
        {
            Assert.Equal([4L, 5L], ledger.State.Items);
            Assert.Equal(2, serializer.Deserialized);
        }
    }

    [Fact]
    public void Open_RunOfAWorkList_ThrowsClearError()
    {
        using (var manager = Manager())
        using (var work = WorkList.Open(manager, ["a"]))
        {
            work.MarkDone("a");
        }

        using (var manager = Manager())
        {
            var ex = Assert.Throws<InvalidOperationException>(() => Ledger.Open(manager));
            Assert.Contains("'worklist'", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Open_InvalidArguments_Throw()
    {
        using var manager = Manager();
        Assert.Throws<ArgumentException>(() => Ledger.Open(manager, new JournaledStateOptions { SnapshotEvery = 0 }));
        Assert.Throws<ArgumentNullException>(() => JournaledState<LedgerState, long>.Open(manager, null!, Ledger.Apply));
        using var ledger = Ledger.Open(manager);
        Assert.Throws<ArgumentException>(() => ledger.RecordIntent(string.Empty));
    }

    private CheckpointManager Manager(Action<CheckpointOptions>? configure = null) =>
        new(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options(configure));

    /// <summary>Counts serializer calls, delegating to the default JSON serializer.</summary>
    private sealed class CountingSerializer : ICheckpointSerializer
    {
        public int Serialized { get; private set; }

        public int Deserialized { get; private set; }

        public string Name => "counting-json";

        public void Serialize<T>(System.Buffers.IBufferWriter<byte> output, T value)
        {
            Serialized++;
            JsonCheckpointSerializer.Default.Serialize(output, value);
        }

        public T Deserialize<T>(ReadOnlyMemory<byte> data)
        {
            Deserialized++;
            return JsonCheckpointSerializer.Default.Deserialize<T>(data);
        }
    }
}
