using System.CommandLine;
using System.Text.Json;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Reports;
using Checkpointing.Cli.Runs;
using Spectre.Console;

namespace Checkpointing.Cli.Commands;

/// <summary><c>ckpt verify [TYPE/NAME]</c>: loads every checkpoint, which checks every chunk's checksum (binary sections too).</summary>
internal static class VerifyCommand
{
    public static Command Create(CommonOptions common)
    {
        var runArgument = new Argument<string?>("run") { Description = "Only this run, as TYPE/NAME; default: every run under the root.", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Check every checkpoint's checksums. Exit code 0 when all are valid, 1 when any is damaged.") { runArgument };
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
        var quarantined = 0;
        foreach (var run in runs)
        {
            using var manager = root.Open(run);
            quarantined += CheckpointRoot.QuarantinedCount(manager.RunDirectory);
            foreach (var fileName in CheckpointRoot.CheckpointFileNames(manager.RunDirectory))
            {
                files.Add(new VerifiedFile(run.ProcessType, run.Name, fileName, Check(manager, fileName, out var reason), reason));
            }
        }

        var damaged = files.Count(f => !f.Valid);
        var report = new VerifyReport(root.Directory, damaged == 0, files.Count, files.Count - damaged, damaged, quarantined, files);
        var exitCode = damaged == 0 ? CkptCommandLine.Ok : CkptCommandLine.ProblemsFound;
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

        var summary = $"{report.Checked} checkpoint(s) in {runs.Count} run(s) checked: {report.Valid} valid, {report.Damaged} damaged";
        if (quarantined > 0)
        {
            summary += $"; {quarantined} quarantined earlier (not checked)";
        }

        console.MarkupLine($"[{(damaged == 0 ? "green" : "red")}]{Markup.Escape(summary)}.[/]");
        return exitCode;
    }

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
