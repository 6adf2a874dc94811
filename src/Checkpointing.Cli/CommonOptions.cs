using System.CommandLine;

namespace Checkpointing.Cli;

/// <summary>The options every command takes: where the runs are, and JSON output for scripts.</summary>
internal sealed class CommonOptions
{
    public const string RootVariable = "CHECKPOINT_ROOT";

    public Option<string> Root { get; } = new("--root")
    {
        Description = $"The checkpoint root directory (<root>/<processType>/<name>/). Default: ${RootVariable}, else ./checkpoints.",
        Recursive = true,
        HelpName = "DIR",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : "checkpoints",
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write stable camelCase JSON to standard output instead of tables.",
        Recursive = true,
    };
}
