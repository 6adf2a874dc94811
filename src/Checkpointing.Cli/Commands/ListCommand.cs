using System.CommandLine;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary><c>ckpt list</c>: every run under the root with its progress, status, age, size, health and writer.</summary>
internal static class ListCommand
{
    public static Command Create(CommonOptions common)
    {
        var command = new Command("list", "Every run under the root: progress, status, age of the newest checkpoint, size, health and the process writing it.");
        command.SetAction(parsed => Run(new CheckpointRoot(parsed.GetRequiredValue(common.Root)), parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, bool json)
    {
        var runs = root.FindRuns().Select(run => RunSummarizer.Summarize(root, run)).ToList();
        if (json)
        {
            CliConsole.WriteJson(new ListReport(root.Directory, runs), CliJsonContext.Default.ListReport);
            return CkptCommandLine.Ok;
        }

        var console = CliConsole.Create();
        if (runs.Count == 0)
        {
            console.WriteLine(root.Exists
                ? $"No runs under {root.Directory}."
                : $"No runs: {root.Directory} does not exist. Pass --root DIR (or set ${CommonOptions.RootVariable}) to look elsewhere.");
            return CkptCommandLine.Ok;
        }

        var now = DateTimeOffset.UtcNow;
        var unicode = console.Profile.Capabilities.Unicode;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("Run", "Progress", "Status", "Rate", "ETA", "Newest", "Checkpoints", "Journal", "Size", "Health", "Writer");
        foreach (var run in runs)
        {
            table.AddRow(
                new Markup($"{Markup.Escape(run.ProcessType)}/[bold]{Markup.Escape(run.Name)}[/]"),
                Display.Cell(Display.Progress(run.LatestStep, run.TotalSteps, run.ProgressPercent, unicode)),
                Display.Cell(run.Status ?? "-", StatusStyle(run.Status)),
                Display.Cell(Display.Rate(run.StepsPerSecond)),
                Display.Cell(Display.Duration(run.EtaSeconds)),
                Display.Cell(Display.Age(run.NewestCheckpointUtc, now)),
                Display.Cell(run.CheckpointCount.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Display.Cell(JournalText(run)),
                Display.Cell(Display.Bytes(run.SizeBytes)),
                Health(run),
                Display.Cell(Writer(run.Writer), run.Writer is null ? null : "blue"));
        }

        console.Write(table);
        foreach (var run in runs)
        {
            foreach (var damaged in run.Damaged)
            {
                console.MarkupLineInterpolated($"[red]{run.ProcessType}/{run.Name}: {damaged.FileName} is damaged: {damaged.Reason}[/]");
            }

            if (run.Error is not null)
            {
                console.MarkupLineInterpolated($"[red]{run.ProcessType}/{run.Name}: cannot be read: {run.Error}[/]");
            }

            if (run.BinaryBytesNotVerified is long notVerified)
            {
                console.WriteLine(
                    $"{run.ProcessType}/{run.Name}: the checkpoint a resume would use has {Display.Bytes(notVerified)} of binary sections, more than list reads " +
                    $"({Display.Bytes(RunSummarizer.BinaryChecksumBudget)}): its footer, manifest and state verify; 'ckpt verify {run.ProcessType}/{run.Name}' checks every chunk");
            }

            if (run.Journal is { Problem: string journalProblem } journal)
            {
                WriteJournalProblem(console, run, "journal/", journal.Health, journalProblem);
            }

            if (run.Study?.Journal is { Problem: string studyProblem } studyJournal)
            {
                WriteJournalProblem(console, run, string.Empty, studyJournal.Health, $"{studyJournal.FileName}: {studyProblem}");
            }
        }

        return CkptCommandLine.Ok;
    }

    private static void WriteJournalProblem(IAnsiConsole console, RunSummary run, string folder, string health, string problem) =>
        console.MarkupLine($"[{JournalDisplay.HealthStyle(health)}]{Markup.Escape($"{run.ProcessType}/{run.Name}: {folder}{problem}")}[/]");

    /// <summary>
    /// <c>60 records; 2 segments, 7.3 KiB</c> for a journal (<c>60 records, 0 after the snapshot; …</c> when a snapshot
    /// covers some: then 60 is the last record's number); <c>12/50 trials, best 0.118 (#7)</c> for a study; <c>-</c> for neither.
    /// </summary>
    internal static string JournalText(RunSummary run)
    {
        var parts = new List<string>();
        if (run.Journal is { } journal)
        {
            var records = journal.Snapshot is { } snapshot
                ? $"{Display.Count(journal.LastSequence, "record")}, {snapshot.RecordsAfter} after the snapshot"
                : Display.Count(journal.Records, "record");
            parts.Add(journal.Health == JournalReader.Unreadable
                ? "journal unreadable"
                : $"{records}; {Display.Count(journal.SegmentCount, "segment")}, {Display.Bytes(journal.Bytes)}");
        }

        if (run.Study is { } study)
        {
            var trials = study.PlannedTrials is long planned ? $"{study.FinishedTrials}/{planned} trials" : Display.Count(study.FinishedTrials, "trial");
            parts.Add(study.BestValue is double best ? $"{trials}, best {Display.Number(best)} (#{study.BestTrialNumber})" : trials);
        }

        return parts.Count == 0 ? "-" : string.Join("; ", parts);
    }

    private static Markup Health(RunSummary run)
    {
        var text = run.CheckpointCount > 0 || (run.Journal is null && run.Study is null) ? $"{run.ValidCount} valid" : string.Empty;
        if (run.BinaryBytesNotVerified is long notVerified)
        {
            text += $", {Display.Bytes(notVerified)} unverified";
        }

        if (run.Damaged.Count > 0)
        {
            text += $", {run.Damaged.Count} damaged";
        }

        if (run.QuarantinedCount > 0)
        {
            text += $", {run.QuarantinedCount} quarantined";
        }

        var journalHealth = new[] { (What: "journal", Health: run.Journal?.Health), (What: "study journal", Health: run.Study?.Journal.Health) };
        foreach (var (what, health) in journalHealth)
        {
            if (health is not null)
            {
                var said = $"{what} {JournalDisplay.ShortHealthText(health)}";
                text = text.Length == 0 ? said : $"{text}, {said}";
            }
        }

        if (run.Error is not null)
        {
            text = "unreadable";
        }

        var journalDamaged = journalHealth.Any(j => JournalDisplay.IsProblem(j.Health));
        var tornTail = journalHealth.Any(j => j.Health is nameof(Journaling.JournalFileHealth.TornTail));
        var style = run.Damaged.Count > 0 || run.Error is not null || journalDamaged ? "red" : run.QuarantinedCount > 0 || tornTail ? "yellow" : "green";
        return Display.Cell(text, style);
    }

    internal static string Writer(WriterHolder? writer) => writer switch
    {
        null => "-",
        { Pid: null } => "running (holder unknown)",
        { Pid: int pid, Host: null } => $"running, pid {pid}",
        { Pid: int pid, Host: string host } => $"running, pid {pid} on {host}",
    };

    internal static string? StatusStyle(string? status) => status switch
    {
        nameof(CheckpointStatus.Completed) => "green",
        nameof(CheckpointStatus.Failed) => "red",
        nameof(CheckpointStatus.Interrupted) => "yellow",
        _ => null,
    };
}
