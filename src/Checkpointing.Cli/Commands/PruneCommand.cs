using System.CommandLine;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary>
/// <c>ckpt prune TYPE/NAME --keep-last N [--keep-best METRIC[:min|max]] [--dry-run]</c>: the library's own retention
/// (<see cref="CheckpointManager.ApplyRetention"/>), so the newest valid checkpoint and the best are never deleted.
/// Deleting takes the run's writer lock; a run being written is refused (a dry run only reads).
/// </summary>
internal static class PruneCommand
{
    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string>("run") { Description = "The run, as TYPE/NAME." };
        var keepLast = new Option<int>("--keep-last") { Description = "Keep this many newest checkpoints (at least 1).", Required = true };
        var keepBest = new Option<string?>("--keep-best") { Description = "Also keep the best checkpoint by this metric: METRIC, METRIC:min (default) or METRIC:max." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only say what would be deleted." };
        var command = new Command("prune", "Delete old checkpoints with the library's retention rules; the newest valid and the best are always kept.")
        {
            runArgument, keepLast, keepBest, dryRun,
        };
        command.SetAction(parsed => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            RunReference.Parse(parsed.GetRequiredValue(runArgument), allowStep: false),
            parsed.GetValue(keepLast),
            parsed.GetValue(keepBest),
            parsed.GetValue(dryRun),
            parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, RunReference run, int keepLast, string? keepBest, bool dryRun, bool json)
    {
        if (keepLast < 1)
        {
            throw new UsageException($"--keep-last {keepLast} would keep nothing; give at least 1 (the newest valid checkpoint is always kept).");
        }

        var (metric, mode) = ParseKeepBest(keepBest);
        using (root.Open(run))
        {
            // Only checks that the run exists (a usage error listing the runs otherwise).
        }

        var options = new CheckpointOptions { RootDirectory = root.Directory, ReadOnly = dryRun, KeepLastN = keepLast, BestMetric = metric, BestMetricMode = mode };
        CheckpointManager manager;
        try
        {
            manager = new CheckpointManager(run.ProcessType, run.Name, options);
        }
        catch (CheckpointLockedException ex)
        {
            CliConsole.Problem($"{run} is being written by {(ex.HolderProcessId is int pid ? $"process {pid} on {ex.HolderHost}" : "another process")}; prune it once that stops (or look first with --dry-run).");
            return CkptCommandLine.ProblemsFound;
        }

        using (manager)
        {
            var before = manager.List();
            var deletedIds = manager.ApplyRetention(dryRun);
            var byId = before.ToDictionary(m => m.Id, StringComparer.Ordinal);
            var deleted = deletedIds.Select(id => byId.TryGetValue(id, out var m) ? new PrunedCheckpoint(id, m.Step, m.StoredBytes) : new PrunedCheckpoint(id, null, 0)).ToList();
            var kept = before.Select(m => m.Id).Except(deletedIds, StringComparer.Ordinal).ToList();
            var report = new PruneReport(run.ProcessType, run.Name, dryRun, keepLast, keepBest, deleted, deleted.Sum(d => d.Bytes), kept);
            if (json)
            {
                CliConsole.WriteJson(report, CliJsonContext.Default.PruneReport);
                return CkptCommandLine.Ok;
            }

            Write(report);
            return CkptCommandLine.Ok;
        }
    }

    private static (string? Metric, BestMetricMode Mode) ParseKeepBest(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return (null, BestMetricMode.Min);
        }

        var colon = text.LastIndexOf(':');
        var (metric, mode) = colon < 0 ? (text, "min") : (text[..colon], text[(colon + 1)..]);
        return mode switch
        {
            _ when metric.Length == 0 => throw new UsageException($"--keep-best '{text}' names no metric; use METRIC, METRIC:min or METRIC:max (e.g. --keep-best loss:min)."),
            "min" => (metric, BestMetricMode.Min),
            "max" => (metric, BestMetricMode.Max),
            _ => throw new UsageException($"--keep-best '{text}': '{mode}' is neither min nor max; use METRIC, METRIC:min or METRIC:max (e.g. --keep-best accuracy:max)."),
        };
    }

    private static void Write(PruneReport report)
    {
        var console = CliConsole.Create();
        var verb = report.DryRun ? "Would delete" : "Deleted";
        if (report.Deleted.Count == 0)
        {
            console.MarkupLineInterpolated($"[green]Nothing to delete[/] in {report.ProcessType}/{report.Name}: its {report.Kept.Count} checkpoint(s) are all kept.");
            return;
        }

        var table = new Table().RoundedBorder().AddColumn("Checkpoint").AddColumn(new TableColumn("Step").RightAligned()).AddColumn(new TableColumn("Size").RightAligned());
        foreach (var d in report.Deleted)
        {
            table.AddRow(Markup.Escape(d.Id), d.Step?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?", Display.Bytes(d.Bytes));
        }

        console.Write(table);
        console.MarkupLineInterpolated(
            $"[{(report.DryRun ? "yellow" : "green")}]{verb} {report.Deleted.Count} checkpoint(s), {Display.Bytes(report.DeletedBytes)}[/]; kept {report.Kept.Count}: {string.Join(", ", report.Kept)}.");
    }
}
