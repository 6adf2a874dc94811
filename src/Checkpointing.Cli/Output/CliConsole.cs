using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using Spectre.Console;

namespace Checkpointing.Cli.Output;

/// <summary>
/// Where commands write: a Spectre console on standard output (which honours NO_COLOR and drops colour and
/// cursor codes when the output is not a terminal), and the JSON reports.
/// </summary>
internal static class CliConsole
{
    /// <summary>Width used when standard output is not a terminal, so tables and messages piped to a file or grep are neither squeezed to 80 columns nor wrapped.</summary>
    private const int RedirectedWidth = 4096;

    public static IAnsiConsole Create()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            console.Profile.Width = RedirectedWidth;
        }

        return console;
    }

    public static void WriteJson<T>(T report, JsonTypeInfo<T> typeInfo)
    {
        Console.Out.WriteLine(JsonSerializer.Serialize(report, typeInfo));
    }

    /// <summary>A line on standard error for a problem the command found (not a usage error).</summary>
    public static void Problem(string message) => Console.Error.WriteLine($"ckpt: {message}");
}
