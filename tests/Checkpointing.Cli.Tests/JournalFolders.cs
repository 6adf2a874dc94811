using Checkpointing.Journaling;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// A temporary root with journals and studies written by the library:
/// <c>events/healthy</c> (a journal only, 60 records of 100 bytes in two segments, no checkpoint),
/// <c>events/flipped</c> (10 records, a byte flipped in the payload of record 5),
/// <c>events/torn</c> (10 records, the last one cut short as a crash mid-append leaves it),
/// <c>download/worklist</c> (a work list of 8 keys, 5 done, with its final snapshot),
/// <c>hpo/search</c> (a study of 6 trials, trial 3 failed, no checkpoint) and
/// <c>hpo/damaged</c> (a study of 4 trials with a byte flipped in the middle of its journal).
/// </summary>
public sealed class JournalFolders : IDisposable
{
    public const int PayloadBytes = 100;

    /// <summary>A record's size on disk: 16-byte header, payload, 8-byte checksum (docs/FORMAT.md, "Journal").</summary>
    public const int RecordBytes = 16 + PayloadBytes + 8;

    public const int SegmentHeaderBytes = 16;

    public JournalFolders()
    {
        Root = Path.Combine(Path.GetTempPath(), "ckpt-cli-journals-" + Guid.NewGuid().ToString("N"));
        WriteJournal("healthy", 60, segmentBytes: 4096);
        var flipped = WriteJournal("flipped", 10, segmentBytes: 1 << 20);
        FlippedSegment = Path.GetFileName(flipped);
        var bytes = File.ReadAllBytes(flipped);
        bytes[FlippedRecordOffset + 16 + (PayloadBytes / 2)] ^= 0x5A;
        File.WriteAllBytes(flipped, bytes);

        var torn = WriteJournal("torn", 10, segmentBytes: 1 << 20);
        TornSegment = Path.GetFileName(torn);
        using (var file = new FileStream(torn, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(file.Length - 30);
        }

        using (var manager = Open("download", "worklist"))
        using (var work = WorkList.Open(manager, Enumerable.Range(0, 8).Select(i => $"SERIES_{i:D4}")))
        {
            for (var i = 0; i < 5; i++)
            {
                work.MarkStarted($"SERIES_{i:D4}");
                work.MarkDone($"SERIES_{i:D4}");
            }
        }

        StudyTrials = RunStudy("search", 6);
        RunStudy("damaged", 4);
        DamagedStudyJournal = Path.Combine(Root, "hpo", "damaged", Study.JournalFileName);
        var study = File.ReadAllBytes(DamagedStudyJournal);
        study[study.Length / 2] ^= 0x5A;
        File.WriteAllBytes(DamagedStudyJournal, study);
    }

    public string Root { get; }

    /// <summary>Record 5 of <c>events/flipped</c> starts here, after the segment header and four records.</summary>
    public static long FlippedRecordOffset => SegmentHeaderBytes + (4 * RecordBytes);

    /// <summary>The torn record of <c>events/torn</c> (its 10th) starts here.</summary>
    public static long TornRecordOffset => SegmentHeaderBytes + (9 * RecordBytes);

    public string FlippedSegment { get; }

    public string TornSegment { get; }

    public string DamagedStudyJournal { get; }

    /// <summary>The trials of <c>hpo/search</c> as the library's study reported them when it finished.</summary>
    public IReadOnlyList<FinishedTrial> StudyTrials { get; }

    public static SearchSpace Space() =>
        new SearchSpace().AddFloat("lr", 1e-4, 1e-1, log: true).AddInt("hidden", 8, 64).AddCategorical("act", "relu", "tanh");

    public void Dispose() => Directory.Delete(Root, recursive: true);

    private CheckpointManager Open(string processType, string name) =>
        new(processType, name, new CheckpointOptions { RootDirectory = Root, KeepLastN = null });

    /// <summary>Appends <paramref name="records"/> records of <see cref="PayloadBytes"/> bytes and returns the newest segment's path.</summary>
    private string WriteJournal(string name, int records, long segmentBytes)
    {
        using var manager = Open("events", name);
        using var journal = Journal.Open(manager, new JournalOptions { SegmentBytes = segmentBytes });
        for (var i = 0; i < records; i++)
        {
            var payload = new byte[PayloadBytes];
            payload.AsSpan().Fill((byte)('a' + (i % 26)));
            journal.Append(payload);
            journal.Commit();
        }

        return Directory.EnumerateFiles(journal.Directory, "segment_*.log").Order(StringComparer.Ordinal).Last();
    }

    private IReadOnlyList<FinishedTrial> RunStudy(string name, int trials)
    {
        using var manager = Open("hpo", name);
        using var study = Study.CreateOrResume(manager, Space(), new StudyOptions { Direction = StudyDirection.Minimize, Seed = 7, Sampler = new RandomSampler() });
        study.Optimize(
            trial =>
            {
                if (trial.Number == 3)
                {
                    throw new InvalidOperationException("diverged");
                }

                return Math.Abs(Math.Log10(trial.GetFloat("lr")) + 2) + (trial.GetInt("hidden") / 100.0) + (trial.GetCategorical("act") == "tanh" ? 0.5 : 0);
            },
            trials);
        return [.. study.Trials];
    }
}
