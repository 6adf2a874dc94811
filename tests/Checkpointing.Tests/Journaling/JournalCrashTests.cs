using System.Collections.Concurrent;
using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Journaling;


/// <summary>
/// Power cuts, modelled by <see cref="SimulatedFileSystem"/>: after every primitive operation of appending, committing,
/// rolling segments and compacting, and in the middle of many concurrent group commits. Reopening always succeeds,
/// every acknowledged record is there, and the records there are exactly the ones appended, contiguous, in order.
/// </summary>
public sealed class JournalCrashTests
{
    private const int RandomOutcomesPerCrashPoint = 6;
    private const int RecordCount = 60;
    private const int CompactAfter = 40;

    [Fact]
    public void AppendCommitRollCompact_CrashAfterEveryOperation_KeepsEveryCommittedRecordAndNothingElse()
    {
        var seed = TestSeed.Next();
        var payloads = JournalTestKit.Payloads(seed, RecordCount, maxLength: 400);
        var completed = RunScenario(payloads, crashAfter: null, out _, out _);
        var total = completed.OperationCount;
        using (var manager = JournalTestKit.Simulated(completed.CrashImage(CrashOutcome.Extremes[0])))
        using (var journal = Journal.Open(manager))
        {
            Assert.True(journal.FirstSequence > 1, $"the scenario should roll and compact segments (first record left: {journal.FirstSequence}); {TestSeed.Describe(seed)}");
        }

        var images = 0;
        for (var crashAfter = 0; crashAfter <= total; crashAfter++)
        {
            var fs = RunScenario(payloads, crashAfter, out var committed, out var compactedThrough);
            var outcomes = CrashOutcome.Extremes.Concat(Enumerable.Range(0, RandomOutcomesPerCrashPoint).Select(i => CrashOutcome.Random(seed + (crashAfter * 100) + i)));
            foreach (var outcome in outcomes)
            {
                var context = $"crash after operation {crashAfter} of {total}, {outcome}, {committed} committed, compacted through {compactedThrough}; {TestSeed.Describe(seed)}";
                var image = fs.CrashImage(outcome);
                using var manager = JournalTestKit.Simulated(image);
                using var journal = Journal.Open(manager);
                var first = journal.FirstSequence;
                Assert.True(first <= compactedThrough + 1, $"records after the compaction point were deleted (first is {first}); {context}");
                Assert.True(journal.LastSequence >= committed, $"lost a committed record: last is {journal.LastSequence}; {context}");
                var records = journal.ReadAfter(first - 1).ToList();
                Assert.Equal(journal.LastSequence - first + 1, records.Count);
                foreach (var record in records)
                {
                    Assert.True(payloads[(int)record.Sequence - 1].AsSpan().SequenceEqual(record.Payload.Span), $"record {record.Sequence} differs; {context}");
                }

                var next = journal.Append([0xAB]);
                journal.Commit();
                Assert.Equal(journal.LastSequence, next);
                images++;
            }
        }

        Assert.True(images > total * 10, $"only {images} crash images were checked");
    }

    [Fact]
    public async Task CommitAsync_ManyConcurrentAppendersCrashMidway_EveryAcknowledgedRecordSurvives()
    {
        const int writers = 12;
        const int perWriter = 25;
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var full = await RunConcurrent(writers, perWriter, seed, crashAfter: null);
        Assert.Equal(writers * perWriter, full.Acknowledged.Count);

        for (var round = 0; round < 24; round++)
        {
            var crashAfter = rng.Next(5, full.Disk.OperationCount);
            var run = await RunConcurrent(writers, perWriter, seed, crashAfter);
            foreach (var outcome in CrashOutcome.Extremes.Append(CrashOutcome.Random(seed + round)))
            {
                var context = $"round {round}, crash after operation {crashAfter}, {outcome}, {run.Acknowledged.Count} acknowledged; {TestSeed.Describe(seed)}";
                using var manager = JournalTestKit.Simulated(run.Disk.CrashImage(outcome));
                using var journal = Journal.Open(manager);
                var records = journal.ReadAfter(0).ToDictionary(r => r.Sequence, r => r.Payload.ToArray());
                Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Keys.Order());
                foreach (var (sequence, payload) in run.Acknowledged)
                {
                    Assert.True(records.TryGetValue(sequence, out var found), $"acknowledged record {sequence} is missing; {context}");
                    Assert.Equal(payload, found);
                }

                foreach (var (sequence, payload) in records)
                {
                    Assert.True(run.Appended.TryGetValue(sequence, out var appended) && appended.AsSpan().SequenceEqual(payload), $"record {sequence} was never appended with these bytes; {context}");
                }
            }
        }
    }

    /// <summary>
    /// Opens a journal with small segments and appends the payloads, committing after every third, reading back every
    /// fifth, compacting once through <see cref="CompactAfter"/>; stops at the simulated crash.
    /// </summary>
    private static SimulatedFileSystem RunScenario(List<byte[]> payloads, int? crashAfter, out long committed, out long compactedThrough)
    {
        var fs = JournalTestKit.NewSimulatedDisk();
        var manager = JournalTestKit.Simulated(fs);
        if (crashAfter is int n)
        {
            fs.CrashAfter(fs.OperationCount + n);
        }

        committed = 0;
        compactedThrough = 0;
        try
        {
            var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 });
            for (var i = 0; i < payloads.Count; i++)
            {
                journal.Append(payloads[i]);
                if (i % 5 == 4)
                {
                    // Reading writes the buffered records out without an fsync, so the next commit may roll a dirty segment.
                    Assert.Equal(payloads[i], journal.ReadAfter(i).Single().Payload.ToArray());
                }

                if (i % 3 == 2 || i == payloads.Count - 1)
                {
                    journal.Commit();
                    committed = i + 1;
                }

                if (i + 1 == CompactAfter)
                {
                    journal.Commit();
                    committed = i + 1;
                    compactedThrough = CompactAfter;
                    journal.DeleteSegmentsThrough(CompactAfter);
                }
            }
        }
        catch (SimulatedCrashException)
        {
            // The power went out; whatever the journal object still holds is gone with the process.
        }

        return fs;
    }

    private static async Task<ConcurrentRun> RunConcurrent(int writers, int perWriter, int seed, int? crashAfter)
    {
        var fs = JournalTestKit.NewSimulatedDisk();
        var manager = JournalTestKit.Simulated(fs);
        var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 8192 });
        if (crashAfter is int n)
        {
            fs.CrashAfter(n);
        }

        var appended = new ConcurrentDictionary<long, byte[]>();
        var acknowledged = new ConcurrentDictionary<long, byte[]>();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            try
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var payload = JournalTestKit.Payload(seed, (w * perWriter) + i, maxLength: 300);
                    var sequence = journal.Append(payload);
                    appended[sequence] = payload;
                    await journal.CommitAsync();
                    acknowledged[sequence] = payload;
                }
            }
            catch (Exception ex) when (ex is SimulatedCrashException or CheckpointStorageException)
            {
                // This writer saw the power cut (directly, or as the journal's failure).
            }
        })));

        return new ConcurrentRun(fs, appended, acknowledged);
    }

    private sealed record ConcurrentRun(SimulatedFileSystem Disk, ConcurrentDictionary<long, byte[]> Appended, ConcurrentDictionary<long, byte[]> Acknowledged);
}
