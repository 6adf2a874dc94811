using System.CommandLine;
using Checkpointing.Cli.Commands;
using Checkpointing.Cli.Output;

namespace Checkpointing.Cli;

/// <summary>The <c>ckpt</c> command tree, and the exit codes every command shares.</summary>
internal static class CkptCommandLine
{
    public const int Ok = 0;
    public const int ProblemsFound = 1;
    public const int UsageError = 2;

    public static int Run(string[] args)
    {
        var common = new CommonOptions();
        var root = new RootCommand("ckpt: see the runs and checkpoints saved by Checkpointing, and check that every byte still verifies.")
        {
            common.Root,
            common.Json,
            ListCommand.Create(common),
            ShowCommand.Create(common),
            InspectCommand.Create(common),
            VerifyCommand.Create(common),
            PruneCommand.Create(common),
            WatchCommand.Create(common),
            ReportCommand.Create(common),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            var messages = string.Join(" ", parsed.Errors.Select(e => e.Message.TrimEnd('.') + "."));
            // An error inside a command (a missing option, a bad value) points at that command's help, which lists its options.
            var help = parsed.CommandResult.Command is { } command && command != root
                ? $"'ckpt {command.Name} --help' for its arguments and options"
                : "'ckpt --help' for the commands and their arguments";
            Console.Error.WriteLine($"ckpt: {messages} Type {help}.");
            return UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"ckpt: {ex.Message}");
            return UsageError;
        }
        catch (Exception ex) when (ex is CheckpointException or IOException or UnauthorizedAccessException)
        {
            // A run that cannot be read at all (permissions, I/O errors): a problem found, said in one line.
            Console.Error.WriteLine($"ckpt: {ex.Message}");
            return ProblemsFound;
        }
    }
}
