using Checkpointing.Interop;
using Checkpointing.Storage;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace Checkpointing.Tests.Crash;

/// <summary>
/// An I/O error at each primitive operation of a save: the save fails with a typed, correctly
/// classified error (or, in retention after the publish, is unaffected), the old checkpoint stays
/// latest byte for byte, no temp file is left or listed, the next save works, and a file whose
/// fsync failed is never fsynced again.
/// </summary>
public sealed class SaveFaultInjectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(Errno.EIO, 4097)]
    [InlineData(Errno.ENOSPC, 4097)]
    [InlineData(Errno.EIO, 0)]
    [InlineData(Errno.ENOSPC, (1 << 20) + 1)]
    public void Save_IoErrorAtEachOperation_FailsCleanlyAndKeepsOldCheckpoint(int errno, int payloadSize)
    {
        var dryRun = new Run(payloadSize);
        dryRun.Manager.Save(dryRun.NewPayload, SaveCrashHarness.NewStep);
        var operations = dryRun.Fs.Operations.Skip(dryRun.BaseOperation).ToList();
        var rename = operations.FindIndex(o => o.Kind == SimulatedOperationKind.Rename);
        var publishEnd = operations.FindIndex(rename, o => o.Kind == SimulatedOperationKind.SyncDirectory) + 1;
        Assert.True(rename >= 0 && publishEnd > rename, "The dry run has no rename followed by a directory fsync: " + string.Join(" ", operations));

        var failed = 0;
        var unaffected = 0;
        for (var k = 1; k <= operations.Count; k++)
        {
            if (!operations[k - 1].CanFail)
            {
                continue;
            }

            var run = new Run(payloadSize);
            var where = $"errno {errno}, size {payloadSize}, error at operation {k}/{operations.Count} ({operations[k - 1].Kind})";
            run.Fs.FailAt(run.BaseOperation + k, errno);
            if (k <= publishEnd)
            {
                var ex = Assert.Throws<CheckpointStorageException>(() => run.Manager.Save(run.NewPayload, SaveCrashHarness.NewStep));
                Assert.True(ex.Errno == errno, $"{where}: the error carries errno {ex.Errno}");
                Assert.True(ex.IsTransient == (errno == Errno.ENOSPC), $"{where}: IsTransient is {ex.IsTransient}");
                Assert.True(run.OldBytes.AsSpan().SequenceEqual(run.Fs.PeekBytes(run.OldPath)), $"{where}: the old checkpoint's bytes changed");
                Assert.True(run.Manager.List().Select(m => m.Step).SequenceEqual([SaveCrashHarness.OldStep]), $"{where}: List() shows {string.Join(", ", run.Manager.List().Select(m => m.Id))}");
                AssertLatest(run, SaveCrashHarness.OldStep, run.OldPayload, where);
                failed++;
            }
            else
            {
                run.Manager.Save(run.NewPayload, SaveCrashHarness.NewStep);
                AssertLatest(run, SaveCrashHarness.NewStep, run.NewPayload, where + " (retention)");
                unaffected++;
            }

            var temps = run.Fs.Peek(SaveCrashHarness.RunDirectory).Where(f => SaveCrashHarness.IsTemporary(f.Name)).ToList();
            Assert.True(temps.Count == 0, $"{where}: temp file left: {string.Join(", ", temps.Select(t => t.Name))}");

            run.Time.Advance(TimeSpan.FromMinutes(1));
            run.Manager.Save(run.NewPayload, SaveCrashHarness.NewStep + 1);
            AssertLatest(run, SaveCrashHarness.NewStep + 1, run.NewPayload, where + " (the save after it)");
            Assert.True(run.Fs.SyncsAfterFailure.Count == 0, $"{where}: fsync was called again after it had failed on {string.Join(", ", run.Fs.SyncsAfterFailure)}");
        }

        output.WriteLine($"errno {errno}, size {payloadSize}: {failed} failing saves checked, {unaffected} errors in retention that left the save intact, operations: {string.Join(" ", operations.Select(o => o.Kind))}");
        Assert.True(failed > 0);
    }

    [Fact]
    public void Save_FsyncFails_RetriesUseNewFileAndNeverSyncFailedFileAgain()
    {
        var probe = new Run(4096);
        probe.Manager.Save(probe.NewPayload, SaveCrashHarness.NewStep);
        var sync = probe.Fs.Operations.Skip(probe.BaseOperation).ToList().FindIndex(o => o.Kind == SimulatedOperationKind.Sync) + 1;
        Assert.True(sync > 0);

        var run = new Run(4096);
        run.Fs.FailAt(run.BaseOperation + sync, Errno.EIO);
        Assert.Throws<CheckpointStorageException>(() => run.Manager.Save(run.NewPayload, SaveCrashHarness.NewStep));
        var failedFile = run.Fs.Operations[run.BaseOperation + sync - 1].Path;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            run.Time.Advance(TimeSpan.FromSeconds(1));
            run.Manager.Save(run.NewPayload, SaveCrashHarness.NewStep + attempt);
        }

        Assert.Empty(run.Fs.SyncsAfterFailure);
        Assert.Equal(1, run.Fs.Operations.Count(o => o.Kind == SimulatedOperationKind.Sync && o.Path == failedFile));
        Assert.Null(run.Fs.PeekBytes(failedFile));
    }

    private static void AssertLatest(Run run, long step, byte[] payload, string where)
    {
        var latest = run.Manager.LoadLatest<byte[]>();
        Assert.True(latest is not null, $"{where}: no checkpoint is loaded");
        Assert.True(latest.Metadata.Step == step && latest.State.AsSpan().SequenceEqual(payload), $"{where}: latest is step {latest.Metadata.Step} with {latest.State.Length} bytes, expected step {step}");
    }

    /// <summary>A run with the old checkpoint saved; <see cref="BaseOperation"/> is where the next save starts.</summary>
    private sealed class Run
    {
        public Run(int payloadSize)
        {
            OldPayload = SaveCrashHarness.Payload(payloadSize, 0x11);
            NewPayload = SaveCrashHarness.Payload(payloadSize, 0x77);
            Manager = SaveCrashHarness.Open(Fs, LocalStoreFaults.None, Time);
            Manager.Save(OldPayload, SaveCrashHarness.OldStep);
            Time.Advance(TimeSpan.FromMinutes(1));
            var old = Assert.Single(Fs.Peek(SaveCrashHarness.RunDirectory), f => f.Name.EndsWith(LocalDirectoryStore.CheckpointExtension, StringComparison.Ordinal));
            OldPath = Path.Combine(SaveCrashHarness.RunDirectory, old.Name);
            OldBytes = Fs.PeekBytes(OldPath)!;
            BaseOperation = Fs.OperationCount;
        }

        public SimulatedFileSystem Fs { get; } = new();

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

        public CheckpointManager Manager { get; }

        public byte[] OldPayload { get; }

        public byte[] NewPayload { get; }

        public string OldPath { get; }

        public byte[] OldBytes { get; }

        public int BaseOperation { get; }
    }
}
