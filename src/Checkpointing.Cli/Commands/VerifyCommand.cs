using System.CommandLine;
using System.Text.Json;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Checkpointing.Journaling;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary>
/// <c>ckpt verify [TYPE/NAME]</c>: loads every checkpoint, which checks every chunk's checksum (binary sections too), and
/// reads every journal segment and study journal record by record, checking each record's checksum and sequence number.
/// A torn tail (an interrupted append, which a writer cuts on open) is a warning; damage exits 1.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string?>("run") { Description = "Only this run, as TYPE/NAME; default: every run under the root.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Check every checkpoint's and every journal record's checksums. Exit code 0 when all are valid (a torn journal tail is only a warning), 1 when any is damaged.") { runArgument };
        command.SetAction(parsed => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            parsed.GetValue(runArgument) is { } text ? RunReference.Parse(text, allowStep: false) : null,
            parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, RunReference? only, bool json)
    {
        if (only is null && !root.Exists)
        {
            throw new UsageException($"No directory {root.Directory} to verify; pass --root DIR (or set ${CommonOptions.RootVariable}) to name the checkpoint root.");
        }

        var runs = only is null ? root.FindRuns() : [only];
        var files = new List<VerifiedFile>();
        var journalFiles = new List<VerifiedJournalFile>();
        var quarantined = 0;
        var setAside = 0;
        foreach (var run in runs)
        {
            using var manager = root.Open(run);
            quarantined += CheckpointRoot.QuarantinedCount(manager.RunDirectory);
            foreach (var fileName in CheckpointRoot.CheckpointFileNames(manager.RunDirectory))
            {
                files.Add(new VerifiedFile(run.ProcessType, run.Name, fileName, Check(manager, fileName, out var reason), reason));
            }

            if (JournalReader.ReadJournal(manager, [], details: true) is { } journal)
            {
                setAside += journal.SetAsideCount;
                journalFiles.AddRange(journal.Segments is { } segments
                    ? segments.Select(s => Verified(run, $"{Journal.DirectoryName}/{s.FileName}", s))
                    : [new VerifiedJournalFile(run.ProcessType, run.Name, Journal.DirectoryName + "/", journal.Health, 0, 0, null, journal.Problem)]);
            }

            if (JournalReader.ReadStudy(manager, null, details: false) is { } study)
            {
                journalFiles.Add(Verified(run, study.Journal.FileName, study.Journal));
            }
        }

        var damaged = files.Count(f => !f.Valid);
        var journalDamaged = journalFiles.Count(f => JournalDisplay.IsProblem(f.Health));
        var tornTails = journalFiles.Count(f => f.Health == nameof(JournalFileHealth.TornTail));
        var ok = damaged == 0 && journalDamaged == 0;
        var report = new VerifyReport(root.Directory, ok, files.Count, files.Count - damaged, damaged, quarantined, files,
            journalFiles.Count, journalDamaged, tornTails, setAside, journalFiles);
        var exitCode = ok ? CkptCommandLine.Ok : CkptCommandLine.ProblemsFound;
        if (json)
        {
            CliConsole.WriteJson(report, CliJsonContext.Default.VerifyReport);
            return exitCode;
        }

        var console = CliConsole.Create();
        foreach (var file in files.Where(f => !f.Valid))
        {
            console.MarkupLineInterpolated($"[red]DAMAGED[/] {file.ProcessType}/{file.Name}/{file.FileName}: {file.Reason}");
        }

        foreach (var file in journalFiles.Where(f => f.Health != nameof(JournalFileHealth.Valid)))
        {
            var label = JournalDisplay.IsProblem(file.Health) ? "[red]DAMAGED[/]" : "[yellow]TORN TAIL[/]";
            console.MarkupLine($"{label} {Markup.Escape($"{file.ProcessType}/{file.Name}/{file.File}: {file.Problem}")}");
        }

        var summary = $"{report.Checked} checkpoint(s) in {runs.Count} run(s) checked: {report.Valid} valid, {report.Damaged} damaged";
        if (quarantined > 0)
        {
            summary += $"; {quarantined} quarantined earlier (not checked)";
        }

        if (journalFiles.Count > 0)
        {
            summary += $"; {journalFiles.Count} journal file(s): {journalFiles.Count - journalDamaged - tornTails} valid, {journalDamaged} damaged";
            if (tornTails > 0)
            {
                summary += $", {tornTails} with a torn tail (an interrupted append that opening the run cuts; not damage)";
            }
        }

        if (setAside > 0)
        {
            summary += $"; {setAside} journal file(s) set aside earlier (not checked)";
        }

        console.MarkupLine($"[{(ok ? "green" : "red")}]{Markup.Escape(summary)}.[/]");
        return exitCode;
    }

    private static VerifiedJournalFile Verified(RunReference run, string file, SegmentRow row) =>
        new(run.ProcessType, run.Name, file, row.Health, row.Records, row.Bytes, row.ProblemOffset, row.Problem);

    /// <summary>True when the file loads: manifest, state and every binary section chunk verified.</summary>
    private static bool Check(CheckpointManager manager, string fileName, out string? reason)
    {
        try
        {
            _ = manager.Load<JsonElement>(Path.GetFileNameWithoutExtension(fileName));
            reason = null;
            return true;
        }
        catch (CheckpointSerializationException)
        {
            // The bytes verified; only turning them into JSON failed (another serializer wrote them).
            reason = null;
            return true;
        }
        catch (CheckpointException ex)
        {
            reason = ex.Message;
            return false;
        }
    }
}
