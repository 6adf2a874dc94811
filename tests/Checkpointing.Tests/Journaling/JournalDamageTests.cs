using System.Buffers.Binary;
using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Interrupts;
using Checkpointing.Tests.Manager;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Tests.Journaling;


/// <summary>
/// Damaged journals on the real file system: the last records cut at every offset, garbage after them, a bit flipped
/// in every byte, damage in an earlier segment, a missing segment. Every record before the damage is kept, nothing
/// after it is returned, bytes after damage are moved aside rather than deleted, and appending continues.
/// </summary>
public sealed class JournalDamageTests : IDisposable
{
    private const int RecordsPerJournal = 12;
    private const int TornRecords = 3;
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public void Open_LastRecordsCutAtEveryOffset_KeepsEveryWholeRecordAndCutsTheRest()
    {
        var seed = TestSeed.Next();
        var (payloads, original, path, ends) = Build(seed, segmentBytes: null);
        var from = ends[^(TornRecords + 1)];
        var cases = 0;
        for (var length = from; length < original.Length; length++)
        {
            File.WriteAllBytes(path, original.AsSpan(0, length).ToArray());
            var whole = ends.Count(e => e <= length) - 1;
            var context = $"cut to {length} of {original.Length} bytes; {TestSeed.Describe(seed)}";
            var logs = new CapturingLoggerFactory();
            using (var manager = Manager(logs))
            using (var journal = Journal.Open(manager))
            {
                AssertPrefix(payloads, journal.ReadAfter(0).ToList(), whole, context);
                Assert.Equal(length - ends[whole], journal.Recovered.CutBytes);
                Assert.Empty(journal.Recovered.MovedAside);
                Assert.Equal(whole + 1, journal.Append([0xEE]));
            }

            Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning);
            using (var manager = Manager())
            using (var journal = Journal.Open(manager))
            {
                Assert.Equal(whole + 1, journal.LastSequence);
                Assert.Equal(0, journal.Recovered.CutBytes);
            }

            cases++;
        }

        Assert.True(cases > TornRecords * 24, $"only {cases} offsets were cut");
    }

    [Fact]
    public void Open_GarbageAfterCut_KeepsEveryWholeRecordBeforeIt()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var (payloads, original, path, ends) = Build(seed, segmentBytes: null);
        for (var round = 0; round < 40; round++)
        {
            var length = rng.Next(ends[^(TornRecords + 1)], original.Length);
            var garbage = new byte[rng.Next(1, 600)];
            if (round % 3 != 0)
            {
                rng.NextBytes(garbage);
            }

            File.WriteAllBytes(path, [.. original.AsSpan(0, length), .. garbage]);
            var whole = ends.Count(e => e <= length) - 1;
            using var manager = Manager();
            using var journal = Journal.Open(manager);
            AssertPrefix(payloads, journal.ReadAfter(0).ToList(), whole, $"round {round}, cut to {length}, {garbage.Length} garbage bytes; {TestSeed.Describe(seed)}");
        }
    }

    [Fact]
    public void Open_BitFlippedInEveryByte_KeepsTheRecordsBeforeTheDamagedOneAndMovesTheRestAside()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var payloads = JournalTestKit.Payloads(seed, RecordsPerJournal, maxLength: 40);
        var disk = JournalTestKit.NewSimulatedDisk();
        using (var manager = JournalTestKit.Simulated(disk))
        using (var journal = Journal.Open(manager))
        {
            foreach (var payload in payloads)
            {
                journal.Append(payload);
                journal.Commit();
            }
        }

        var path = Path.Combine(JournalTestKit.SimulatedJournalDirectory, SegmentFile.Name(1));
        var original = disk.PeekBytes(path)!;
        int[] ends = [SegmentFile.HeaderSize, .. RecordEnds(original)];
        for (var position = 0; position < original.Length; position++)
        {
            var bit = rng.Next(8);
            var damaged = original.ToArray();
            damaged[position] ^= (byte)(1 << bit);
            var image = JournalTestKit.WithFile(disk, path, damaged);
            var context = $"bit {bit} of byte {position} flipped; {TestSeed.Describe(seed)}";
            if (position is >= 8 and < 12)
            {
                using var versionManager = JournalTestKit.Simulated(image);
                Assert.Throws<CheckpointVersionException>(() => Journal.Open(versionManager));
                Assert.Equal(damaged, image.PeekBytes(path));
                continue;
            }

            // Bytes 12..15 are the header's reserved word, which readers ignore. A damaged last record looks like a
            // torn write, so only damage before it is reported and kept aside.
            var kept = position is >= 12 and < SegmentFile.HeaderSize ? payloads.Count
                : position < 8 ? 0
                : ends.Count(e => e <= position) - 1;
            var logs = new CapturingLoggerFactory();
            using var manager = JournalTestKit.Simulated(image, o => o.LoggerFactory = logs);
            using var journal = Journal.Open(manager);
            AssertPrefix(payloads, journal.ReadAfter(journal.FirstSequence - 1).ToList(), kept, context);
            if (kept < payloads.Count - 1)
            {
                Assert.NotEmpty(journal.Recovered.MovedAside);
                Assert.All(journal.Recovered.MovedAside, p => Assert.True(image.PeekBytes(p) is { Length: > 0 }, $"{p} is missing; {context}"));
                Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 201);
            }

            Assert.Equal(kept + 1, journal.Append([0xEE]));
            journal.Commit();
        }
    }

    [Fact]
    public void Open_DamageInAnEarlierSegment_KeepsRecordsBeforeItAndMovesLaterSegmentsAside()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        var payloads = JournalTestKit.Payloads(seed, 120, maxLength: 200);
        var disk = JournalTestKit.NewSimulatedDisk();
        using (var manager = JournalTestKit.Simulated(disk))
        using (var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 }))
        {
            foreach (var payload in payloads)
            {
                journal.Append(payload);
                journal.Commit();
            }
        }

        var directory = JournalTestKit.SimulatedJournalDirectory;
        var segments = disk.Peek(directory).Select(e => e.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 4, $"only {segments.Length} segments; {TestSeed.Describe(seed)}");
        for (var round = 0; round < 40; round++)
        {
            var index = rng.Next(segments.Length - 1);
            var victim = segments[index];
            var bytes = disk.PeekBytes(Path.Combine(directory, victim))!;
            var position = rng.Next(SegmentFile.HeaderSize, bytes.Length);
            var recordsBefore = RecordEnds(bytes).Count(e => e <= position);
            bytes[position] ^= (byte)(1 << rng.Next(8));
            var image = JournalTestKit.WithFile(disk, Path.Combine(directory, victim), bytes);
            var firstInVictim = long.Parse(victim.AsSpan(8, 20), provider: System.Globalization.CultureInfo.InvariantCulture);
            var kept = (int)firstInVictim - 1 + recordsBefore;
            var context = $"round {round}: bit flipped at byte {position} of {victim}; {TestSeed.Describe(seed)}";

            var logs = new CapturingLoggerFactory();
            using var manager = JournalTestKit.Simulated(image, o => o.LoggerFactory = logs);
            using (var journal = Journal.Open(manager))
            {
                AssertPrefix(payloads, journal.ReadAfter(0).ToList(), kept, context);
                var names = image.Peek(directory).Select(e => e.Name).ToList();
                Assert.Equal(segments[..(index + 1)], names.Where(n => SegmentFile.TryParse(n, out _)).Order(StringComparer.Ordinal));
                foreach (var later in segments[(index + 1)..])
                {
                    Assert.True(names.Count(n => n.StartsWith(later + ".damaged-", StringComparison.Ordinal)) == 1, $"{later} was not moved aside; {context}");
                }

                Assert.True(names.Count(n => n.StartsWith(victim + ".damaged-", StringComparison.Ordinal)) == 1, $"the damaged part of {victim} was not kept; {context}");
                Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Id.Id == 201);
                Assert.Equal(kept + 1, journal.Append([0xEE]));
            }

            using var reopened = Journal.Open(manager);
            Assert.Equal(kept + 1, reopened.ReadAfter(0).Count());
            Assert.Empty(reopened.Recovered.MovedAside);
        }
    }

    [Fact]
    public void Open_MiddleSegmentMissing_KeepsRecordsBeforeTheGapOnly()
    {
        var seed = TestSeed.Next();
        var (payloads, _, _, _) = Build(seed, segmentBytes: 4096, count: 120, maxLength: 200);
        var directory = JournalDirectory;
        var segments = JournalTestKit.SegmentFiles(directory);
        File.Delete(Path.Combine(directory, segments[1]));
        var kept = (int)long.Parse(segments[1].AsSpan(8, 20), provider: System.Globalization.CultureInfo.InvariantCulture) - 1;

        using var manager = Manager();
        using var journal = Journal.Open(manager);
        AssertPrefix(payloads, journal.ReadAfter(0).ToList(), kept, TestSeed.Describe(seed));
        Assert.Equal(segments.Length - 2, journal.Recovered.MovedAside.Count);
        Assert.Equal([segments[0]], JournalTestKit.SegmentFiles(directory));
    }

    [Fact]
    public void Open_SegmentListedButNotAJournal_IsMovedAsideAndTheJournalStartsAtItsNumber()
    {
        Directory.CreateDirectory(JournalDirectory);
        var stray = Path.Combine(JournalDirectory, SegmentFile.Name(1));
        File.WriteAllText(stray, "hello, I am not a journal");
        using var manager = Manager();
        using var journal = Journal.Open(manager);
        Assert.Equal(0, journal.LastSequence);
        Assert.Equal("hello, I am not a journal", File.ReadAllText(Assert.Single(journal.Recovered.MovedAside)));
        Assert.Equal(1, journal.Append([1]));
    }

    private static void AssertPrefix(List<byte[]> payloads, List<JournalRecord> records, int expectedCount, string context)
    {
        Assert.True(expectedCount == records.Count, $"expected {expectedCount} records, got {records.Count}; {context}");
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(i + 1, records[i].Sequence);
            Assert.True(payloads[i].AsSpan().SequenceEqual(records[i].Payload.Span), $"record {i + 1} differs; {context}");
        }
    }

    private static List<int> RecordEnds(byte[] segment)
    {
        var ends = new List<int>();
        for (var offset = SegmentFile.HeaderSize; offset + 24 <= segment.Length;)
        {
            offset += 24 + BinaryPrimitives.ReadInt32LittleEndian(segment.AsSpan(offset));
            ends.Add(offset);
        }

        return ends;
    }

    private string JournalDirectory => Path.Combine(_root.RunDirectory(JournalTestKit.ProcessType, JournalTestKit.RunName), Journal.DirectoryName);

    /// <summary>
    /// Writes a journal of <paramref name="count"/> committed records; returns the payloads, the last segment's bytes and
    /// path, and the offsets where its records start and end (the header's end, then each record's end).
    /// </summary>
    private (List<byte[]> Payloads, byte[] LastSegment, string Path, int[] Ends) Build(int seed, long? segmentBytes, int count = RecordsPerJournal, int maxLength = 120)
    {
        var payloads = JournalTestKit.Payloads(seed, count, maxLength);
        using (var manager = Manager())
        using (var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = segmentBytes ?? new JournalOptions().SegmentBytes }))
        {
            foreach (var payload in payloads)
            {
                journal.Append(payload);
                journal.Commit();
            }
        }

        var path = Path.Combine(JournalDirectory, JournalTestKit.SegmentFiles(JournalDirectory)[^1]);
        var bytes = File.ReadAllBytes(path);
        return (payloads, bytes, path, [SegmentFile.HeaderSize, .. RecordEnds(bytes)]);
    }

    private CheckpointManager Manager(ILoggerFactory? logs = null) =>
        new(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options(o => o.LoggerFactory = logs));
}
