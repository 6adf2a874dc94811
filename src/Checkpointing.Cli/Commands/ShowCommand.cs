using System.CommandLine;
using System.Globalization;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Checkpointing.Journaling;
using Checkpointing.Studies;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary><c>ckpt show TYPE/NAME</c>: the run's journal (segments, snapshot), study (search space, trials, best), the retention settings its newest checkpoint recorded, and its checkpoints, oldest first, from their footers.</summary>
internal static class ShowCommand
{
    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string>("run") { Description = "The run, as TYPE/NAME (see 'ckpt list')." };
        var command = new Command("show", "A run's journal (segments, records, health), study (direction, search space, trials, best), retention settings and checkpoints (id, step, time, size, compression, write and save durations, status, metrics, writer generation).") { runArgument };
        command.SetAction(parsed => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            RunReference.Parse(parsed.GetRequiredValue(runArgument), allowStep: false),
            parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, RunReference run, bool json)
    {
        using var manager = root.Open(run);
        var listed = manager.List();
        var checkpoints = CheckpointRow.From(listed);
        var retention = listed.Count == 0 ? null : RetentionText.Row(listed[^1]);
        var listedNames = checkpoints.Select(c => c.Id + ".ckpt").ToHashSet(StringComparer.Ordinal);
        var unreadable = CheckpointRoot.CheckpointFileNames(manager.RunDirectory).Where(f => !listedNames.Contains(f)).ToList();
        var journal = JournalReader.ReadJournal(manager, listed, details: true);
        var study = JournalReader.ReadStudy(manager, listed.Count == 0 ? null : listed[^1].TotalSteps, details: true);
        var problems = unreadable.Count > 0 || JournalDisplay.IsProblem(journal?.Health) || JournalDisplay.IsProblem(study?.Journal.Health);
        var exitCode = problems ? CkptCommandLine.ProblemsFound : CkptCommandLine.Ok;
        if (json)
        {
            CliConsole.WriteJson(new ShowReport(run.ProcessType, run.Name, checkpoints, unreadable, journal, study, retention), CliJsonContext.Default.ShowReport);
            return exitCode;
        }

        var console = CliConsole.Create();
        if (journal is not null)
        {
            WriteJournal(console, journal);
        }

        if (study is not null)
        {
            WriteStudy(console, study, console.Profile.Capabilities.Unicode);
        }

        if (checkpoints.Count == 0 && unreadable.Count == 0)
        {
            console.WriteLine($"{run} has no checkpoints.");
            return exitCode;
        }

        if (retention is not null)
        {
            var facts = new Grid().AddColumn().AddColumn();
            facts.AddRow(Display.Cell("Retention", "bold"), retention.Recorded
                ? Display.Cell($"{retention.Summary} (as recorded by the writer of {retention.RecordedBy})")
                : Display.Cell($"{retention.RecordedBy}: {retention.Summary}", "grey"));
            console.Write(facts);
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(run.ToString()))
            .AddColumns("Id", "Step", "Time (UTC)", "Size", "Ratio", "Write", "Save", "Status", "Metrics", "Gen");
        foreach (var c in checkpoints)
        {
            table.AddRow(
                Display.Cell(c.Id),
                Display.Cell(c.TotalSteps is long total ? $"{c.Step}/{total}" : c.Step.ToString(CultureInfo.InvariantCulture)),
                Display.Cell(Display.Time(c.TimestampUtc)),
                Display.Cell(Display.Bytes(c.StoredBytes)),
                Display.Cell(string.Create(CultureInfo.InvariantCulture, $"{c.CompressionRatio:0.00}x")),
                Display.Cell(Display.SaveTime(c.WriteMs / 1000)),
                Display.Cell(Display.SaveTime(c.SaveMs / 1000)),
                Display.Cell(c.Status, ListCommand.StatusStyle(c.Status)),
                Display.Cell(Display.Metrics(c.Metrics)),
                Display.Cell(c.WriterGeneration?.ToString(CultureInfo.InvariantCulture) ?? "-"));
        }

        console.Write(table);
        if (checkpoints.Any(c => c.WriteMs is not null))
        {
            console.MarkupLine("[grey]Write: from the start of the save to its manifest (sections compressed and written). Save: the whole save until durable (fsync, rename, directory fsync, retention), as the next save of the same process recorded it.[/]");
        }

        foreach (var file in unreadable)
        {
            console.MarkupLineInterpolated($"[red]{file}: its footer cannot be read; run 'ckpt verify {run}' for the reason.[/]");
        }

        return exitCode;
    }

    private static void WriteJournal(IAnsiConsole console, JournalReport journal)
    {
        var facts = new Grid().AddColumn().AddColumn();
        var records = journal.Records > 0 ? $"records {journal.FirstSequence}..{journal.LastSequence} ({journal.Records})"
            : journal.LastSequence > 0 ? $"no records (the last was {journal.LastSequence})"
            : "no records";
        facts.AddRow(Display.Cell("Journal", "bold"), Display.Cell(
            $"journal/: {Display.Count(journal.SegmentCount, "segment")}, {records}, {Display.Bytes(journal.Bytes)}, {JournalDisplay.HealthText(journal.Health)}",
            JournalDisplay.HealthStyle(journal.Health)));
        if (journal.Snapshot is { } snapshot)
        {
            facts.AddRow(Display.Cell("Snapshot", "bold"), Display.Cell(
                $"{snapshot.CheckpointId} ({snapshot.Kind ?? "journal"}) holds records up to {snapshot.JournalSequence}; opening the run replays the {Display.Count(snapshot.RecordsAfter, "record")} after it"));
        }

        if (journal.SetAsideCount > 0)
        {
            facts.AddRow(Display.Cell("Set aside", "bold"), Display.Cell($"{Display.Count(journal.SetAsideCount, "file")} kept aside by an earlier recovery (not read)", "yellow"));
        }

        console.Write(facts);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("Segment", "Records", "Sequence", "Bytes", "Health");
        foreach (var segment in journal.Segments ?? [])
        {
            table.AddRow(
                Display.Cell(segment.FileName),
                Display.Cell(segment.Records.ToString(CultureInfo.InvariantCulture)),
                Display.Cell(segment.LastSequence is long last ? $"{segment.FirstSequence}..{last}" : "-"),
                Display.Cell(segment.Bytes.ToString(CultureInfo.InvariantCulture)),
                Display.Cell(segment.ProblemOffset is long at ? $"{JournalDisplay.HealthText(segment.Health)} at offset {at}" : JournalDisplay.HealthText(segment.Health), JournalDisplay.HealthStyle(segment.Health)));
        }

        console.Write(table);
        foreach (var segment in (journal.Segments ?? []).Where(s => s.Problem is not null))
        {
            console.MarkupLine($"[{JournalDisplay.HealthStyle(segment.Health)}]{Markup.Escape($"journal/{segment.FileName}: {segment.Problem}")}[/]");
        }

        if (journal.Segments is null && journal.Problem is not null)
        {
            console.MarkupLine($"[red]{Markup.Escape($"journal/: {journal.Problem}")}[/]");
        }
    }

    private static void WriteStudy(IAnsiConsole console, StudyReport study, bool unicode)
    {
        var file = study.Journal;
        var facts = new Grid().AddColumn().AddColumn();
        void Fact(string name, string value, string? style = null) => facts.AddRow(Display.Cell(name, "bold"), Display.Cell(value, style));
        Fact("Study", $"{file.FileName}: {Display.Count(file.Records, "record")}, {Display.Bytes(file.Bytes)}, {JournalDisplay.HealthText(file.Health)}", JournalDisplay.HealthStyle(file.Health));
        if (study.Direction is not null)
        {
            Fact("Direction", $"{study.Direction}, seed {study.Seed}, created {(study.CreatedUtc is DateTimeOffset created ? Display.Time(created) : "-")}");
            Fact("Sessions", study.Interruptions > 0 ? $"{study.Sessions} ({study.Interruptions} interrupted or still running)" : study.Sessions.ToString(CultureInfo.InvariantCulture));
        }

        if (study.Parameters is { Count: > 0 } parameters)
        {
            Fact("Space", Display.Count(parameters.Count, "parameter"));
        }

        foreach (var p in study.Parameters ?? [])
        {
            Fact($"  {p.Name}", p.Choices is { } choices
                ? $"categorical {{{string.Join(", ", choices)}}}"
                : string.Create(CultureInfo.InvariantCulture, $"{p.Kind} [{p.Low:R}, {p.High:R}]{(p.Log == true ? " log" : string.Empty)}"));
        }

        var trials = study.PlannedTrials is long planned ? $"{study.FinishedTrials} of {planned} finished" : $"{study.FinishedTrials} finished";
        Fact("Trials", $"{trials} ({study.CompleteTrials} complete, {study.FailedTrials} failed)"
            + (study.InterruptedTrialNumber is int redone ? $"; trial {redone} was running and runs again on resume" : string.Empty));
        Fact("Best", study.BestValue is double best ? $"{Display.Number(best)} (trial {study.BestTrialNumber})" : "-", study.BestValue is null ? null : "green");
        console.Write(facts);
        if (study.Trials is { Count: > 0 } rows)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "State", "Value", "Best so far", "Params", "Time");
            foreach (var t in rows)
            {
                var marker = t.IsBest ? (unicode ? " ★" : " *") : string.Empty;
                table.AddRow(
                    Display.Cell(t.Number.ToString(CultureInfo.InvariantCulture) + marker, t.IsBest ? "green" : null),
                    Display.Cell(t.State, t.State == nameof(TrialState.Failed) ? "red" : null),
                    Display.Cell(t.Value is double v ? Display.Number(v) : "-", t.IsBest ? "green" : null),
                    Display.Cell(t.BestSoFar is double b ? Display.Number(b) : "-"),
                    Display.Cell(string.Join(" ", t.Params.Select(p => $"{p.Key}={Param(p.Value)}")) + (t.Error is null ? string.Empty : $" ({t.Error})")),
                    Display.Cell(string.Create(CultureInfo.InvariantCulture, $"{t.DurationSeconds:0.00}s")));
            }

            console.Write(table);
        }

        if (file.Problem is not null)
        {
            console.MarkupLine($"[{JournalDisplay.HealthStyle(file.Health)}]{Markup.Escape($"{file.FileName}: {file.Problem}")}[/]");
        }
    }

    private static string Param(ParameterValue value) => value.Kind == ParameterKind.Float ? Display.Number(value.AsDouble()) : value.ToString();
}
