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
            .AddColumns("Run", "Progress", "Status", "Rate", "ETA", "Newest", "Checkpoints", "Size", "Health", "Writer");
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
        }

        return CkptCommandLine.Ok;
    }

    private static Markup Health(RunSummary run)
    {
        var text = $"{run.ValidCount} valid";
        if (run.Damaged.Count > 0)
        {
            text += $", {run.Damaged.Count} damaged";
        }

        if (run.QuarantinedCount > 0)
        {
            text += $", {run.QuarantinedCount} quarantined";
        }

        if (run.Error is not null)
        {
            text = "unreadable";
        }

        var style = run.Damaged.Count > 0 || run.Error is not null ? "red" : run.QuarantinedCount > 0 ? "yellow" : "green";
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
