using Checkpointing.RecordLog;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.RecordLog;

/// <summary>
/// A power cut after every primitive operation of creating and appending to a log, resolved every
/// way the model allows: reopening always succeeds, every committed record is there, and what is
/// there is a prefix of what was appended.
/// </summary>
public sealed class AppendOnlyLogCrashTests
{
    private const string Directory = "/sim/journal";
    private const string LogPath = Directory + "/log";
    private const int RandomOutcomesPerCrashPoint = 12;

    [Fact]
    public void AppendCommit_CrashAfterEveryOperation_KeepsEveryCommittedRecordAndOnlyAPrefix()
    {
        var seed = TestSeed.Next();
        var payloads = Enumerable.Range(0, 9).Select(i => Enumerable.Range(0, (i * 37) % 300).Select(b => (byte)(b + i)).ToArray()).ToList();
        var totalOperations = Run(payloads, crashAfter: null, out _).OperationCount;
        var checkedImages = 0;

        for (var crashAfter = 0; crashAfter <= totalOperations; crashAfter++)
        {
            var fs = Run(payloads, crashAfter, out var committed);
            var outcomes = CrashOutcome.Extremes.Concat(Enumerable.Range(0, RandomOutcomesPerCrashPoint).Select(i => CrashOutcome.Random(seed + (crashAfter * 1000) + i)));
            foreach (var outcome in outcomes)
            {
                var image = fs.CrashImage(outcome);
                var context = $"crash after operation {crashAfter}, {outcome}, {committed} committed, {TestSeed.Describe(seed)}";
                using var log = AppendOnlyLog.Open(LogPath, image);
                Assert.True(log.Records.Count >= committed, $"Lost a committed record: {log.Records.Count} < {committed}; {context}");
                for (var i = 0; i < log.Records.Count; i++)
                {
                    Assert.True(payloads[i].AsSpan().SequenceEqual(log.Records[i].Payload.Span), $"Record {i} differs; {context}");
                }

                var next = log.Append([0xAB]);
                log.Commit();
                Assert.Equal(log.Records.Count + 1, next);
                using var again = AppendOnlyLog.Open(LogPath, image);
                Assert.Equal(log.Records.Count + 1, again.Records.Count);
                checkedImages++;
            }
        }

        Assert.True(checkedImages > totalOperations * 10, $"Only {checkedImages} crash images were checked.");
    }

    /// <summary>Creates the log and appends the payloads, committing after every second one; stops at the simulated crash.</summary>
    private static SimulatedFileSystem Run(List<byte[]> payloads, int? crashAfter, out int committed)
    {
        var fs = new SimulatedFileSystem();
        fs.CreateDirectoryDurable(Directory);
        if (crashAfter is int n)
        {
            fs.CrashAfter(fs.OperationCount + n);
        }

        committed = 0;
        try
        {
            using var log = AppendOnlyLog.Open(LogPath, fs);
            for (var i = 0; i < payloads.Count; i++)
            {
                log.Append(payloads[i]);
                if (i % 2 == 1 || i == payloads.Count - 1)
                {
                    log.Commit();
                    committed = i + 1;
                }
            }
        }
        catch (SimulatedCrashException)
        {
        }

        return fs;
    }
}
