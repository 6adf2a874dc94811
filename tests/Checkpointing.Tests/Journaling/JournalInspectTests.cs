using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Manager;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// <see cref="Journal.Inspect"/> changes nothing and judges a journal as <see cref="Journal.Open"/> then treats it:
/// the records it would keep, damage (moved aside) versus a torn tail (only cut), over random cuts, garbage, flipped
/// bits and missing segments.
/// </summary>
public sealed class JournalInspectTests : IDisposable
{
    private readonly TempRoot _root = new();

    public void Dispose() => _root.Dispose();

    private string JournalDirectory => Path.Combine(_root.RunDirectory(JournalTestKit.ProcessType, JournalTestKit.RunName), Journal.DirectoryName);

    [Fact]
    public void Inspect_NoJournal_ReturnsNull()
    {
        using var manager = Manager(readOnly: false);

        Assert.Null(Journal.Inspect(manager));
    }

    [Fact]
    public void Inspect_IntactJournal_CountsEveryRecordInEverySegment()
    {
        Build(TestSeed.Next(), count: 60);
        using var manager = Manager(readOnly: true);

        var inspection = Journal.Inspect(manager)!;

        Assert.True(inspection.Segments.Count >= 2, $"{inspection.Segments.Count} segment(s)");
        Assert.All(inspection.Segments, s => Assert.Equal(JournalFileHealth.Valid, s.Health));
        Assert.Equal(60, inspection.RecordCount);
        Assert.Equal(60, inspection.LastSequence);
        Assert.Equal(60, inspection.Segments.Sum(s => s.RecordCount));
        Assert.False(inspection.IsDamaged);
        Assert.False(inspection.HasTornTail);
    }

    [Fact]
    public void Inspect_RandomDamage_ChangesNothingAndAgreesWithWhatOpenDoes()
    {
        var seed = TestSeed.Next();
        var rng = new Random(seed);
        Build(seed, count: 100);
        var original = Files();
        var names = original.Keys.Order(StringComparer.Ordinal).ToArray();
        Assert.True(names.Length >= 3, $"{names.Length} segment(s)");
        var verdicts = new HashSet<string>();
        for (var round = 0; round < 120; round++)
        {
            Directory.Delete(JournalDirectory, recursive: true);
            Directory.CreateDirectory(JournalDirectory);
            foreach (var (name, bytes) in original)
            {
                File.WriteAllBytes(Path.Combine(JournalDirectory, name), bytes);
            }

            var what = Damage(rng, round % 5, names);
            var context = $"round {round}: {what}; {TestSeed.Describe(seed)}";
            var before = Files();

            JournalInspection inspection;
            using (var manager = Manager(readOnly: true))
            {
                inspection = Journal.Inspect(manager)!;
            }

            var after = Files();
            Assert.True(before.Count == after.Count && before.All(b => after.TryGetValue(b.Key, out var a) && a.AsSpan().SequenceEqual(b.Value)), $"Inspect changed a file; {context}");

            using (var manager = Manager(readOnly: false))
            using (var journal = Journal.Open(manager))
            {
                Assert.True(inspection.LastSequence == journal.LastSequence, $"Inspect keeps up to {inspection.LastSequence}, Open up to {journal.LastSequence}; {context}");
                Assert.True(inspection.IsDamaged == (journal.Recovered.MovedAside.Count > 0), $"Inspect damaged: {inspection.IsDamaged}, Open moved aside {journal.Recovered.MovedAside.Count}; {context}");
                var torn = inspection.Segments.Where(s => s.Health == JournalFileHealth.TornTail).Sum(s => s.Bytes - s.ValidBytes);
                if (!inspection.IsDamaged)
                {
                    Assert.True(torn == journal.Recovered.CutBytes, $"Inspect torn bytes {torn}, Open cut {journal.Recovered.CutBytes}; {context}");
                }
            }

            Assert.All(inspection.Segments.Where(s => s.Health != JournalFileHealth.Valid), s => Assert.False(string.IsNullOrEmpty(s.Problem)));
            verdicts.Add(inspection.IsDamaged ? "damaged" : inspection.HasTornTail ? "torn" : "valid");
        }

        Assert.Contains("damaged", verdicts);
        Assert.Contains("torn", verdicts);
    }

    /// <summary>Cuts the last segment, adds garbage to it, flips a bit anywhere, removes a middle segment or cuts an earlier one.</summary>
    private string Damage(Random rng, int kind, string[] names)
    {
        var last = Path.Combine(JournalDirectory, names[^1]);
        switch (kind)
        {
            case 0:
                var bytes = File.ReadAllBytes(last);
                var length = rng.Next(SegmentFile.HeaderSize, bytes.Length);
                File.WriteAllBytes(last, bytes.AsSpan(0, length).ToArray());
                return $"last segment cut to {length} of {bytes.Length}";
            case 1:
                var garbage = new byte[rng.Next(1, 300)];
                rng.NextBytes(garbage);
                File.AppendAllBytes(last, garbage);
                return $"{garbage.Length} garbage bytes after the last segment";
            case 2:
                var name = names[rng.Next(names.Length)];
                var path = Path.Combine(JournalDirectory, name);
                var content = File.ReadAllBytes(path);
                var at = rng.Next(8 + 4, content.Length); // not the version field, which Open refuses untouched
                content[at] ^= (byte)(1 << rng.Next(8));
                File.WriteAllBytes(path, content);
                return $"a bit flipped at {at} in {name}";
            case 3:
                File.Delete(Path.Combine(JournalDirectory, names[1]));
                return $"{names[1]} removed";
            default:
                var first = Path.Combine(JournalDirectory, names[0]);
                var head = File.ReadAllBytes(first);
                var cut = rng.Next(SegmentFile.HeaderSize, head.Length);
                File.WriteAllBytes(first, head.AsSpan(0, cut).ToArray());
                return $"{names[0]} cut to {cut} of {head.Length}";
        }
    }

    private Dictionary<string, byte[]> Files() =>
        new DirectoryInfo(JournalDirectory).EnumerateFiles().ToDictionary(f => f.Name, f => File.ReadAllBytes(f.FullName), StringComparer.Ordinal);

    private void Build(int seed, int count)
    {
        using var manager = Manager(readOnly: false);
        using var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = 4096 });
        foreach (var payload in JournalTestKit.Payloads(seed, count))
        {
            journal.Append(payload);
            journal.Commit();
        }
    }

    private CheckpointManager Manager(bool readOnly) =>
        new(JournalTestKit.ProcessType, JournalTestKit.RunName, _root.Options(o => o.ReadOnly = readOnly));
}
