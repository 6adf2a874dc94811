using Checkpointing.Cli.Reports;
using Checkpointing.Journaling;
using Checkpointing.Studies;

namespace Checkpointing.Cli.Runs;

/// <summary>Reads a run's journal and study with the library's read-only inspections (every record verified) into reports.</summary>
internal static class JournalReader
{
    public const string Unreadable = "Unreadable";

    /// <summary>The run's journal, or null when it has none; <paramref name="details"/> adds every segment.</summary>
    public static JournalReport? ReadJournal(CheckpointManager manager, IReadOnlyList<CheckpointMetadata> checkpoints, bool details)
    {
        JournalInspection? journal;
        try
        {
            journal = Journal.Inspect(manager);
        }
        catch (CheckpointException ex)
        {
            return new JournalReport(0, 0, 1, 0, 0, Unreadable, ex.Message, 0, null, null);
        }

        if (journal is null)
        {
            return null;
        }

        var snapshot = checkpoints.LastOrDefault(c => c.JournalSequence is not null) is { JournalSequence: long covered } newest
            ? new SnapshotRow(newest.Id, newest.Step, covered, newest.Tags.GetValueOrDefault(JournalSnapshotTag), Math.Max(0, journal.LastSequence - covered))
            : null;
        var worst = journal.Segments.FirstOrDefault(s => s.Health is JournalFileHealth.Damaged)
            ?? journal.Segments.FirstOrDefault(s => s.Health is JournalFileHealth.TornTail);
        return new JournalReport(
            journal.Segments.Count,
            journal.RecordCount,
            journal.FirstSequence,
            journal.LastSequence,
            journal.Bytes,
            (worst?.Health ?? JournalFileHealth.Valid).ToString(),
            worst is null ? null : $"{worst.FileName}: {worst.Problem}",
            journal.SetAside.Count,
            snapshot,
            details ? [.. journal.Segments.Select(Row)] : null);
    }

    /// <summary>The run's study, or null when it has none; <paramref name="details"/> adds the search space and every trial.</summary>
    public static StudyReport? ReadStudy(CheckpointManager manager, long? plannedTrials, bool details)
    {
        StudyInspection? study;
        try
        {
            study = Study.Inspect(manager);
        }
        catch (CheckpointException ex)
        {
            var file = new SegmentRow(Study.JournalFileName, 1, null, 0, 0, 0, Unreadable, null, ex.Message);
            return new StudyReport(file, null, null, null, 0, 0, 0, plannedTrials, null, null, 0, 0, null, null, null);
        }

        if (study is null)
        {
            return null;
        }

        var complete = study.Trials.Count(t => t.State == TrialState.Complete);
        return new StudyReport(
            Row(study.File),
            study.Direction?.ToString(),
            study.Seed,
            study.Created,
            study.Trials.Count,
            complete,
            study.Trials.Count - complete,
            plannedTrials,
            study.BestTrial?.Number,
            study.BestTrial?.Value,
            study.Sessions,
            study.Interruptions,
            study.InterruptedTrialNumber,
            details ? study.Space?.Parameters.Select(Parameter).ToList() ?? [] : null,
            details ? Trials(study) : null);
    }

    public static SegmentRow Row(JournalFileInspection file) => new(
        file.FileName, file.FirstSequence, file.LastSequence, file.RecordCount, file.Bytes, file.ValidBytes, file.Health.ToString(), file.ProblemOffset, file.Problem);

    /// <summary>The tag a journal snapshot carries (docs/FORMAT.md, "Snapshots and compaction").</summary>
    private const string JournalSnapshotTag = "journal";

    private static ParameterRow Parameter(ParameterDefinition p) => p.Kind switch
    {
        ParameterKind.Categorical => new ParameterRow(p.Name, "categorical", null, null, null, p.Choices),
        ParameterKind.Int => new ParameterRow(p.Name, "int", p.Low, p.High, p.Log, null),
        _ => new ParameterRow(p.Name, "float", p.Low, p.High, p.Log, null),
    };

    private static List<TrialRow> Trials(StudyInspection study)
    {
        var rows = new List<TrialRow>(study.Trials.Count);
        double? bestSoFar = null;
        foreach (var t in study.Trials)
        {
            if (t.State == TrialState.Complete && t.Value is double value
                && (bestSoFar is not double best || (study.Direction == StudyDirection.Maximize ? value > best : value < best)))
            {
                bestSoFar = value;
            }

            rows.Add(new TrialRow(t.Number, t.State.ToString(), t.Value, t.Number == study.BestTrial?.Number, bestSoFar, t.Params,
                t.Duration.TotalSeconds, t.FinishedAt, t.Error));
        }

        return rows;
    }
}
