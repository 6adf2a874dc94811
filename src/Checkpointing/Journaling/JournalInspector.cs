using System.Globalization;
using Checkpointing.RecordLog;
using Checkpointing.Storage;

namespace Checkpointing.Journaling;

/// <summary>Reads a journal directory the way <see cref="Journal"/>'s recovery does (docs/FORMAT.md, "Recovery"), but only reports what it would do.</summary>
internal static class JournalInspector
{
    public static JournalInspection Inspect(IFileSystem fs, string directory)
    {
        var entries = SegmentFile.Guard("list", directory, () => fs.ListFiles(directory));
        var setAside = entries
            .Select(e => e.Name)
            .Where(n => n.StartsWith(SegmentFile.Prefix, StringComparison.Ordinal)
                && (n.Contains(SegmentFile.DamagedSuffix, StringComparison.Ordinal) || n.Contains(SegmentFile.SupersededSuffix, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        var bases = new List<long>();
        foreach (var entry in entries)
        {
            if (SegmentFile.TryParse(entry.Name, out var first))
            {
                bases.Add(first);
            }
        }

        bases.Sort();
        var segments = new List<JournalFileInspection>(bases.Count);
        var next = bases.Count > 0 ? bases[0] : 1;
        string? damagedSegment = null;
        for (var i = 0; i < bases.Count; i++)
        {
            var first = bases[i];
            var name = SegmentFile.Name(first);
            var path = Path.Combine(directory, name);
            var unread = damagedSegment is not null || (segments.Count > 0 && first != next);
            SegmentScan scan;
            try
            {
                scan = SegmentFile.Scan(fs, path, first);
            }
            catch (CheckpointException) when (unread)
            {
                // Recovery never reads a segment after damage or a gap (it moves it aside), so neither does inspection.
                var length = SegmentFile.Guard("measure a journal segment", path, () =>
                {
                    using var opened = fs.OpenRead(path);
                    return opened.Length;
                });
                scan = new SegmentScan(HeaderValid: false, 0, length, first, TailHasValidRecords: false);
            }

            var records = scan.HeaderValid ? scan.NextSequence - first : 0;
            var inspected = new JournalFileInspection
            {
                FileName = name,
                FirstSequence = first,
                RecordCount = records,
                Bytes = scan.FileLength,
                ValidBytes = scan.ValidLength,
                Health = JournalFileHealth.Valid,
            };
            if (damagedSegment is not null)
            {
                segments.Add(inspected with { Health = JournalFileHealth.AfterDamage, Problem = $"it comes after the damage in {damagedSegment}; a writer moves it aside and never reads its records" });
                continue;
            }

            if (segments.Count > 0 && first != next)
            {
                damagedSegment = name;
                segments.Add(inspected with
                {
                    Health = JournalFileHealth.Damaged,
                    Problem = string.Create(CultureInfo.InvariantCulture, $"it starts at record {first}, but the segment before it ends at record {next - 1} (a segment is missing or out of place)"),
                });
                continue;
            }

            if (!scan.HeaderValid)
            {
                damagedSegment = name;
                segments.Add(inspected with { Health = JournalFileHealth.Damaged, ProblemOffset = 0, Problem = "it does not start with a journal segment header" });
                continue;
            }

            next = scan.NextSequence;
            if (scan.ValidLength == scan.FileLength)
            {
                segments.Add(inspected);
                continue;
            }

            var isLast = i == bases.Count - 1;
            var what = Describe(fs, path, scan.ValidLength, scan.NextSequence);
            if (isLast && !scan.TailHasValidRecords)
            {
                segments.Add(inspected with
                {
                    Health = JournalFileHealth.TornTail,
                    ProblemOffset = scan.ValidLength,
                    Problem = string.Create(CultureInfo.InvariantCulture, $"the last {scan.FileLength - scan.ValidLength} byte(s), from offset {scan.ValidLength}, are an interrupted append: {what}; a writer cuts them when it opens the journal (they were never committed)"),
                });
                continue;
            }

            damagedSegment = name;
            var why = isLast ? "verifiable records follow it" : "a later segment follows it";
            segments.Add(inspected with
            {
                Health = JournalFileHealth.Damaged,
                ProblemOffset = scan.ValidLength,
                Problem = string.Create(CultureInfo.InvariantCulture, $"the record at offset {scan.ValidLength} (sequence {scan.NextSequence}) is damaged: {what}; {why}"),
            });
        }

        return new JournalInspection { Directory = directory, Segments = segments, SetAside = setAside, LastSequence = next - 1 };
    }

    /// <summary>Why the record at <paramref name="offset"/> of a file is not valid.</summary>
    internal static string Describe(IFileSystem fs, string path, long offset, long expectedSequence)
    {
        using var file = SegmentFile.Guard("open", path, () => fs.OpenRead(path));
        return SegmentFile.Guard("read", path, () => RecordFraming.DescribeInvalid(file, offset, expectedSequence));
    }
}
