using System.CommandLine;
using System.Text;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reporting;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary>
/// <c>ckpt report [TYPE/NAME] [--out FILE]</c>: one self-contained HTML page (inline CSS and SVG, no script, nothing
/// fetched) with a run's plots, or every run's with a contents list. Exit code 1 when a damaged checkpoint or an
/// unreadable run was found (the page says which), like <c>ckpt verify</c>.
/// </summary>
internal static class ReportCommand
{
    public const string DefaultOutput = "ckpt-report.html";

    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string?>("run") { Description = "Only this run, as TYPE/NAME; default: every run under the root.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<string>("--out", "-o")
        {
            Description = $"The HTML file to write (replaced if it exists). Default: {DefaultOutput} in the current directory.",
            HelpName = "FILE",
            DefaultValueFactory = _ => DefaultOutput,
        };
        var command = new Command("report", "Write an HTML report with plots: metrics against step, study trials, rewards per episode, checkpoint sizes and save durations, with interruptions and resumes marked.")
        {
            runArgument,
            output,
        };
        command.SetAction(parsed => Run(
            new CheckpointRoot(parsed.GetRequiredValue(common.Root)),
            parsed.GetValue(runArgument) is { } text ? RunReference.Parse(text, allowStep: false) : null,
            parsed.GetRequiredValue(output),
            parsed.GetValue(common.Json)));
        return command;
    }

    private static int Run(CheckpointRoot root, RunReference? only, string output, bool json)
    {
        if (only is null && !root.Exists)
        {
            throw new UsageException($"No directory {root.Directory} to report on; pass --root DIR (or set ${CommonOptions.RootVariable}) to name the checkpoint root.");
        }

        if (only is not null)
        {
            // An unknown or malformed run is a usage error that lists the runs there are.
            root.Open(only).Dispose();
        }

        var file = Path.GetFullPath(output);
        var directory = Path.GetDirectoryName(file) ?? ".";
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"No directory {directory} for --out {output}; create it first or name a file in an existing directory.");
        }

        if (Directory.Exists(file))
        {
            throw new UsageException($"--out {output} is a directory; name a file, e.g. --out {Path.Combine(output, DefaultOutput)}.");
        }

        var runs = only is null ? root.FindRuns() : [only];
        var histories = runs.Select(run => RunHistoryReader.Read(root, run)).ToList();
        var page = HtmlReportWriter.Write(root.Directory, histories, DateTimeOffset.UtcNow);
        var bytes = WriteReplacing(file, page.Html);

        var problems = histories.SelectMany(h => h.Problems.Select(problem => $"{h.Run}: {problem}")).ToList();
        var exitCode = problems.Count == 0 ? CkptCommandLine.Ok : CkptCommandLine.ProblemsFound;
        if (json)
        {
            CliConsole.WriteJson(new ReportSummary(file, bytes, page.RunCount, page.Plots.Count, page.Plots, problems), CliJsonContext.Default.ReportSummary);
            return exitCode;
        }

        var console = CliConsole.Create();
        console.WriteLine($"Wrote {file} ({Display.Bytes(bytes)}): {page.RunCount} run(s), {page.Plots.Count} plot(s).");
        foreach (var problem in problems)
        {
            console.MarkupLineInterpolated($"[red]{problem}[/]");
        }

        return exitCode;
    }

    /// <summary>Writes the page beside <paramref name="file"/> and renames it into place, so a reader never sees half a page.</summary>
    private static long WriteReplacing(string file, string html)
    {
        var temp = $"{file}.{Environment.ProcessId}.tmp";
        try
        {
            File.WriteAllText(temp, html, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }

        return new FileInfo(file).Length;
    }
}
