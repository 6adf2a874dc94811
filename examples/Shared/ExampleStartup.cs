using System.Diagnostics.CodeAnalysis;

namespace Checkpointing.Examples;

/// <summary>The first steps every example takes: check its arguments, then open its run.</summary>
internal static class ExampleStartup
{
    /// <summary>
    /// True when the program should stop before doing anything: the arguments were invalid (the error and
    /// the usage go to stderr, exit code 2) or help was asked for (the usage goes to stdout, exit code 0).
    /// </summary>
    public static bool ShouldExit<T>([NotNullWhen(false)] T? options, string? error, Func<T, bool> help, string usage, out int exitCode)
        where T : class
    {
        if (options is null)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine(usage);
            exitCode = 2;
            return true;
        }

        if (help(options))
        {
            Console.WriteLine(usage);
            exitCode = 0;
            return true;
        }

        exitCode = 0;
        return false;
    }

    /// <summary>Opens the run for writing; on failure (another process holds it, the directory is unusable) prints why and returns false.</summary>
    public static bool TryOpen(string processType, string name, string rootDirectory, [NotNullWhen(true)] out CheckpointManager? manager)
    {
        try
        {
            manager = new CheckpointManager(processType, name, new CheckpointOptions { RootDirectory = rootDirectory });
            return true;
        }
        catch (CheckpointException ex)
        {
            Console.Error.WriteLine(ex.Message);
            manager = null;
            return false;
        }
    }
}
