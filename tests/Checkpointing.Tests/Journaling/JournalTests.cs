using System.Buffers.Binary;
using Checkpointing.Interop;
using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Journaling;


/// <summary>
/// The journal on the real file system: sequence numbers, commit, replay, segments and compaction, and the rules of
/// use (one writer, a failed fsync is final).
/// </summary>
public sealed class JournalTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Open_NewRun_CreatesFirstSegmentAndStartsAtSequenceOne()
    {
        using var manager = Manager();
        using var journal = Journal.Open(manager);

        Assert.Equal(0, journal.LastSequence);
        Assert.Equal(0, journal.CommittedSequence);
        Assert.Equal(1, journal.FirstSequence);
        Assert.Equal(Path.Combine(manager.RunDirectory, "journal"), journal.Directory);
        Assert.Equal(["segment_00000000000000000001.log"], JournalTestKit.SegmentFiles(journal.Directory));
        Assert.Empty(journal.ReadAfter(0));
    }

    [Fact]
    public void AppendCommit_Reopen_ReturnsEveryRecordInOrder()
    {
        var seed = TestSeed.Next();
        var payloads = JournalTestKit.Payloads(seed, 50);
        using (var manager = Manager())
        using (var journal = Journal.Open(manager))
        {
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.Equal(i + 1, journal.Append(payloads[i]));
                if (i % 9 == 0)
                {
                    journal.Commit();
                    Assert.Equal(i + 1, journal.CommittedSequence);
                }
            }

            journal.Commit();
            Assert.Equal(payloads.Count, journal.CommittedSequence);
        }

        using (var manager = Manager())
        using (var journal = Journal.Open(manager))
        {
            var records = journal.ReadAfter(0).ToList();
            Assert.Equal(Enumerable.Range(1, payloads.Count).Select(i => (long)i), records.Select(r => r.Sequence));
            for (var i = 0; i < payloads.Count; i++)
            {
                Assert.True(payloads[i].AsSpan().SequenceEqual(records[i].Payload.Span), $"record {i + 1} differs; {TestSeed.Describe(seed)}");
            }

            Assert.Equal(payloads.Count, journal.LastSequence);
            Assert.Equal(payloads.Count + 1, journal.Append([7]));
        }
    }

    [Fact]
    public void Append_BeforeCommit_IsNotCommittedButIsReadable()
    {
        using var manager = Manager();
        using var journal = Journal.Open(manager);
        journal.Append([1]);
        journal.Commit();
        journal.Append([2]);

        Assert.Equal(2, journal.LastSequence);
        Assert.Equal(1, journal.CommittedSequence);
        Assert.Equal([[1], [2]], journal.ReadAfter(0).Select(r => r.Payload.ToArray()));
        Assert.Equal([2L], journal.ReadAfter(1).Select(r => r.Sequence));
    }

    [Fact]
    public async Task CommitAsync_NothingNew_CompletesSynchronously()
    {
        using var manager = Manager();
        using var journal = Journal.Open(manager);
        Assert.True(journal.CommitAsync().IsCompletedSuccessfully);
        journal.Append([1]);
        await journal.CommitAsync();
        Assert.Equal(1, journal.CommittedSequence);
        Assert.True(journal.CommitAsync().IsCompletedSuccessfully);
    }

    [Fact]
    public void Dispose_AfterAppends_CommitsThem()
    {
        using (var manager = Manager())
        {
            var journal = Journal.Open(manager);
            journal.Append([1, 2]);
            journal.Dispose();
            Assert.Throws<ObjectDisposedException>(() => journal.Append([3]));
        }

        using (var manager = Manager())
        using (var journal = Journal.Open(manager))
        {
            Assert.Equal([1, 2], Assert.Single(journal.ReadAfter(0)).Payload.ToArray());
        }
    }

    [Fact]
    public void Append_ManyRecords_RollsSegmentsNamedByFirstSequence()
    {
        var seed = TestSeed.Next();
        var payloads = JournalTestKit.Payloads(seed, 300, maxLength: 100);
        using var manager = Manager();
        using (var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 }))
        {
            foreach (var payload in payloads)
            {
                journal.Append(payload);
                journal.Commit();
            }

            Assert.True(journal.SegmentCount > 3, $"only {journal.SegmentCount} segment(s); {TestSeed.Describe(seed)}");
        }

        var files = JournalTestKit.SegmentFiles(Path.Combine(manager.RunDirectory, "journal"));
        long expectedFirst = 1;
        foreach (var file in files)
        {
            Assert.Equal(SegmentFile.Name(expectedFirst), file);
            var bytes = File.ReadAllBytes(Path.Combine(manager.RunDirectory, "journal", file));
            Assert.True(bytes.Length < 4096 + 1024, $"{file} has {bytes.Length} bytes");
            var count = 0;
            for (var offset = SegmentFile.HeaderSize; offset < bytes.Length; count++)
            {
                Assert.Equal(expectedFirst + count, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset + 8)));
                offset += 24 + BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset));
            }

            expectedFirst += count;
        }

        Assert.Equal(payloads.Count + 1, expectedFirst);
        manager.Dispose();
        using var again = Manager();
        using var reopened = Journal.Open(again, new JournalOptions { SegmentBytes = 4096 });
        Assert.Equal(payloads, reopened.ReadAfter(0).Select(r => r.Payload.ToArray()));
        Assert.Equal(payloads.Skip(250), reopened.ReadAfter(250).Select(r => r.Payload.ToArray()));
    }

    [Fact]
    public void DeleteSegmentsThrough_DeletesOnlyWholeCoveredSegmentsAndNeverTheActiveOne()
    {
        using var manager = Manager();
        using var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 });
        for (var i = 0; i < 200; i++)
        {
            journal.Append(new byte[100]);
            journal.Commit();
        }

        var segments = JournalTestKit.SegmentFiles(journal.Directory).Select(f => long.Parse(f[8..28], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(segments.Count >= 3);

        Assert.Equal(0, journal.DeleteSegmentsThrough(segments[1] - 2));
        Assert.Equal(1, journal.DeleteSegmentsThrough(segments[1] - 1));
        Assert.Equal(segments[1], journal.FirstSequence);
        Assert.Equal(segments.Count - 2, journal.DeleteSegmentsThrough(long.MaxValue));
        Assert.Single(JournalTestKit.SegmentFiles(journal.Directory));
        Assert.Equal(segments[^1], journal.FirstSequence);
        Assert.Equal(201, journal.Append([1]));

        var ex = Assert.Throws<CheckpointCorruptException>(() => journal.ReadAfter(0).ToList());
        Assert.Contains("compacted", ex.Message, StringComparison.Ordinal);
        Assert.Equal(201 - segments[^1] + 1, journal.ReadAfter(segments[^1] - 1).Count());
    }

    [Fact]
    public void Reopen_AfterCompaction_ContinuesTheSequence()
    {
        using (var manager = Manager())
        using (var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 }))
        {
            for (var i = 0; i < 100; i++)
            {
                journal.Append(new byte[100]);
                journal.Commit();
            }

            Assert.True(journal.DeleteSegmentsThrough(long.MaxValue) > 0);
        }

        using (var manager = Manager())
        using (var journal = Journal.Open(manager))
        {
            Assert.Equal(100, journal.LastSequence);
            Assert.Equal(101, journal.Append([1]));
        }
    }

    [Fact]
    public void Open_ReadOnlyManager_Throws()
    {
        using (Manager())
        {
        }

        using var reader = new CheckpointManager(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options(o => o.ReadOnly = true));
        var ex = Assert.Throws<InvalidOperationException>(() => Journal.Open(reader));
        Assert.Contains("read-only", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_Twice_ThrowsUntilTheFirstIsDisposed()
    {
        using var manager = Manager();
        var first = Journal.Open(manager);
        var ex = Assert.Throws<InvalidOperationException>(() => Journal.Open(manager));
        Assert.Contains("already open", ex.Message, StringComparison.Ordinal);
        first.Dispose();
        using var second = Journal.Open(manager);
    }

    [Fact]
    public void Delete_AfterRecords_RemovesTheJournalSoTheNextOpenStartsAtOne()
    {
        using var manager = Manager();
        using (var journal = Journal.Open(manager))
        {
            journal.Append([1, 2, 3]);
            journal.Append([4]);
        }

        Assert.True(Journal.Delete(manager));

        Assert.Empty(JournalTestKit.SegmentFiles(Path.Combine(manager.RunDirectory, Journal.DirectoryName)));
        using var reopened = Journal.Open(manager);
        Assert.Empty(reopened.ReadAfter(0));
        Assert.Equal(1, reopened.Append([9]));
    }

    [Fact]
    public void Delete_WhileOpenOrWithoutJournal_RefusesOrReportsNothingToDelete()
    {
        using var manager = Manager();
        Assert.False(Journal.Delete(manager));
        using var journal = Journal.Open(manager);
        journal.Append([1]);

        var ex = Assert.Throws<InvalidOperationException>(() => Journal.Delete(manager));

        Assert.Contains("dispose it", ex.Message, StringComparison.Ordinal);
        Assert.Single(journal.ReadAfter(0));
    }

    [Fact]
    public void Append_AfterManagerDisposed_Throws()
    {
        var manager = Manager();
        using var journal = Journal.Open(manager);
        manager.Dispose();
        Assert.Throws<ObjectDisposedException>(() => journal.Append([1]));
    }

    [Fact]
    public void Append_TooLarge_ThrowsArgumentException()
    {
        using var manager = Manager();
        using var journal = Journal.Open(manager);
        Assert.Throws<ArgumentException>(() => journal.Append(new byte[Journal.MaxPayloadLength + 1]));
        Assert.Equal(1, journal.Append(new byte[Journal.MaxPayloadLength]));
        journal.Commit();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4095)]
    [InlineData(-1)]
    public void Open_SegmentBytesOutOfRange_Throws(long segmentBytes)
    {
        using var manager = Manager();
        var ex = Assert.Throws<ArgumentException>(() => Journal.Open(manager, new JournalOptions { SegmentBytes = segmentBytes }));
        Assert.Contains("SegmentBytes", ex.Message, StringComparison.Ordinal);
        using var journal = Journal.Open(manager);
    }

    [Fact]
    public void Open_SegmentOfFutureVersion_ThrowsVersionErrorAndLeavesIt()
    {
        string path;
        using (var manager = Manager())
        using (var journal = Journal.Open(manager))
        {
            journal.Append([1]);
            path = Path.Combine(journal.Directory, SegmentFile.Name(1));
        }

        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);
        using (var manager = Manager())
        {
            var ex = Assert.Throws<CheckpointVersionException>(() => Journal.Open(manager));
            Assert.Equal(2, ex.FileMajorVersion);

            // The failed open released its claim: the same error again, not "already open".
            Assert.Throws<CheckpointVersionException>(() => Journal.Open(manager));
        }

        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Commit_FsyncFails_JournalRefusesEverythingAfterAndNeverSyncsAgain()
    {
        var fs = JournalTestKit.NewSimulatedDisk();
        using var manager = JournalTestKit.Simulated(fs);
        var journal = Journal.Open(manager);
        journal.Append([1]);
        journal.Commit();
        journal.Append([2]);
        fs.FailAt(fs.OperationCount + 2, Errno.EIO); // the write, then the fdatasync

        var ex = Assert.Throws<CheckpointStorageException>(journal.Commit);
        Assert.Equal(Errno.EIO, ex.Errno);
        Assert.Equal(1, journal.CommittedSequence);
        Assert.Throws<CheckpointStorageException>(() => journal.Append([3]));
        var again = Assert.Throws<CheckpointStorageException>(journal.Commit);
        Assert.Contains("failed earlier", again.Message, StringComparison.Ordinal);
        journal.Dispose();
        Assert.Empty(fs.SyncsAfterFailure);

        using var reopened = Journal.Open(manager);
        Assert.Equal([1], reopened.ReadAfter(0).First().Payload.ToArray());
    }

    [Fact]
    public async Task CommitAsync_ManyConcurrentWriters_EveryRecordDurableOnceAndInOrder()
    {
        const int writers = 8;
        const int perWriter = 60;
        var seed = TestSeed.Next();
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<long, byte[]>();
        using (var manager = Manager())
        await using (var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 8192 }))
        {
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var payload = JournalTestKit.Payload(seed, (w * perWriter) + i);
                    var sequence = journal.Append(payload);
                    await journal.CommitAsync();
                    Assert.True(journal.CommittedSequence >= sequence);
                    Assert.True(acknowledged.TryAdd(sequence, payload));
                }
            })));
        }

        using var again = Manager();
        using var reopened = Journal.Open(again);
        var records = reopened.ReadAfter(0).ToList();
        Assert.Equal(writers * perWriter, records.Count);
        Assert.Equal(Enumerable.Range(1, writers * perWriter).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.All(records, r => Assert.Equal(acknowledged[r.Sequence], r.Payload.ToArray()));
    }

    private CheckpointManager Manager() => new(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options());
}
