using System.CommandLine;
using System.Globalization;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary><c>ckpt show TYPE/NAME</c>: the run's checkpoints, oldest first, from their footers.</summary>
internal static class ShowCommand
{
    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string>("run") { Description = "The run, as TYPE/NAME (see 'ckpt list')." };
        var command = new Command("show", "A run's checkpoints: id, step, time, size, compression, status, metrics and writer generation.") { runArgument };
        command.SetAction(parsed => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            RunReference.Parse(parsed.GetRequiredValue(runArgument), allowStep: false),
            parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, RunReference run, bool json)
    {
        using var manager = root.Open(run);
        var checkpoints = manager.List().Select(CheckpointRow.From).ToList();
        var listed = checkpoints.Select(c => c.Id + ".ckpt").ToHashSet(StringComparer.Ordinal);
        var unreadable = CheckpointRoot.CheckpointFileNames(manager.RunDirectory).Where(f => !listed.Contains(f)).ToList();
        if (json)
        {
            CliConsole.WriteJson(new ShowReport(run.ProcessType, run.Name, checkpoints, unreadable), CliJsonContext.Default.ShowReport);
            return unreadable.Count == 0 ? CkptCommandLine.Ok : CkptCommandLine.ProblemsFound;
        }

        var console = CliConsole.Create();
        if (checkpoints.Count == 0 && unreadable.Count == 0)
        {
            console.WriteLine($"{run} has no checkpoints.");
            return CkptCommandLine.Ok;
        }

        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(run.ToString()))
            .AddColumns("Id", "Step", "Time (UTC)", "Size", "Ratio", "Status", "Metrics", "Gen");
        foreach (var c in checkpoints)
        {
            table.AddRow(
                Display.Cell(c.Id),
                Display.Cell(c.TotalSteps is long total ? $"{c.Step}/{total}" : c.Step.ToString(CultureInfo.InvariantCulture)),
                Display.Cell(Display.Time(c.TimestampUtc)),
                Display.Cell(Display.Bytes(c.StoredBytes)),
                Display.Cell(string.Create(CultureInfo.InvariantCulture, $"{c.CompressionRatio:0.00}x")),
                Display.Cell(c.Status, ListCommand.StatusStyle(c.Status)),
                Display.Cell(Display.Metrics(c.Metrics)),
                Display.Cell(c.WriterGeneration?.ToString(CultureInfo.InvariantCulture) ?? "-"));
        }

        console.Write(table);
        foreach (var file in unreadable)
        {
            console.MarkupLineInterpolated($"[red]{file}: its footer cannot be read; run 'ckpt verify {run}' for the reason.[/]");
        }

        return unreadable.Count == 0 ? CkptCommandLine.Ok : CkptCommandLine.ProblemsFound;
    }
}
