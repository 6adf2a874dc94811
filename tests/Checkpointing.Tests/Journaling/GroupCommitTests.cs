using Checkpointing.Journaling;
using Checkpointing.Interop;
using Checkpointing.Storage;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Journaling;


/// <summary>Group commit, made deterministic by holding an fsync: commits that queue behind it share one fsync.</summary>
public sealed class GroupCommitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task CommitAsync_CallersQueuedBehindAnFsync_ShareOneFsync(int queued)
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        var gated = new GatedFileSystem(disk);
        using var manager = new CheckpointManager(JournalTestKit.ProcessType, JournalTestKit.RunName, new CheckpointOptions { RootDirectory = JournalTestKit.SimulatedRoot }, gated, LocalStoreFaults.None);
        using var journal = Journal.Open(manager);
        journal.Append([0]);
        gated.HoldNextSync();
        var first = Task.Run(journal.Commit);
        Assert.True(gated.WaitUntilHeld(Patience), "the first commit never reached its fsync");

        var waiting = new List<(long Sequence, ValueTask Commit)>();
        for (var i = 1; i <= queued; i++)
        {
            var sequence = journal.Append([(byte)i]);
            waiting.Add((sequence, journal.CommitAsync()));
        }

        Assert.All(waiting, w => Assert.False(w.Commit.IsCompleted));
        Assert.Equal(0, gated.AppendedFileSyncs);
        gated.Release();
        await first;
        foreach (var (sequence, commit) in waiting)
        {
            await commit;
            Assert.True(journal.CommittedSequence >= sequence);
        }

        Assert.Equal(2, gated.AppendedFileSyncs);
        Assert.Equal(queued + 1, journal.CommittedSequence);

        using var image = JournalTestKit.Simulated(disk.CrashImage(new CrashOutcome(NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly, 0)));
        journal.Dispose();
        using var reopened = Journal.Open(image);
        Assert.Equal(Enumerable.Range(0, queued + 1).Select(i => new[] { (byte)i }), reopened.ReadAfter(0).Select(r => r.Payload.ToArray()));
    }

    [Fact]
    public async Task Commit_ThreadsQueuedBehindAnFsync_ShareOneFsync()
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        var gated = new GatedFileSystem(disk);
        using var manager = new CheckpointManager(JournalTestKit.ProcessType, JournalTestKit.RunName, new CheckpointOptions { RootDirectory = JournalTestKit.SimulatedRoot }, gated, LocalStoreFaults.None);
        using var journal = Journal.Open(manager);
        journal.Append([0]);
        gated.HoldNextSync();
        var first = Task.Run(journal.Commit);
        Assert.True(gated.WaitUntilHeld(Patience), "the first commit never reached its fsync");
        for (var i = 1; i <= 6; i++)
        {
            journal.Append([(byte)i]);
        }

        var threads = Enumerable.Range(0, 6).Select(_ => new Thread(journal.Commit)).ToList();
        threads.ForEach(t => t.Start());
        gated.Release();
        await first;
        threads.ForEach(t => Assert.True(t.Join(Patience)));

        Assert.Equal(2, gated.AppendedFileSyncs);
        Assert.Equal(7, journal.CommittedSequence);
    }

    [Fact]
    public async Task CommitAsync_SharedFsyncFails_EveryWaiterGetsTheErrorAndTheJournalStaysFailed()
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        var gated = new GatedFileSystem(disk);
        using var manager = new CheckpointManager(JournalTestKit.ProcessType, JournalTestKit.RunName, new CheckpointOptions { RootDirectory = JournalTestKit.SimulatedRoot }, gated, LocalStoreFaults.None);
        using var journal = Journal.Open(manager);
        journal.Append([0]);
        journal.Commit();
        journal.Append([1]);
        disk.FailAt(disk.OperationCount + 2, Errno.EIO); // the write, then the fdatasync
        gated.HoldNextSync();
        var first = Task.Run(journal.Commit);
        Assert.True(gated.WaitUntilHeld(Patience), "the commit never reached its fsync");
        var waiting = Enumerable.Range(2, 5).Select(i =>
        {
            journal.Append([(byte)i]);
            return journal.CommitAsync().AsTask();
        }).ToList();
        gated.Release();

        Assert.Equal(Errno.EIO, (await Assert.ThrowsAsync<CheckpointStorageException>(() => first)).Errno);
        foreach (var commit in waiting)
        {
            await Assert.ThrowsAsync<CheckpointStorageException>(() => commit);
        }

        Assert.Equal(1, journal.CommittedSequence);
        Assert.Contains("failed earlier", Assert.Throws<CheckpointStorageException>(() => journal.Append([9])).Message, StringComparison.Ordinal);
        Assert.Empty(disk.SyncsAfterFailure);
    }

    [Fact]
    public async Task CommitAsync_CancelledWhileQueued_ThrowsButTheRecordIsCommittedByTheNextRound()
    {
        var disk = JournalTestKit.NewSimulatedDisk();
        var gated = new GatedFileSystem(disk);
        using var manager = new CheckpointManager(JournalTestKit.ProcessType, JournalTestKit.RunName, new CheckpointOptions { RootDirectory = JournalTestKit.SimulatedRoot }, gated, LocalStoreFaults.None);
        using var journal = Journal.Open(manager);
        journal.Append([0]);
        gated.HoldNextSync();
        var first = Task.Run(journal.Commit);
        Assert.True(gated.WaitUntilHeld(Patience), "the commit never reached its fsync");
        using var cancel = new CancellationTokenSource();
        var sequence = journal.Append([1]);
        var waiting = journal.CommitAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        gated.Release();
        await first;
        await journal.CommitAsync();
        Assert.True(journal.CommittedSequence >= sequence);
    }
}
