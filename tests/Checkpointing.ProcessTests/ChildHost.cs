namespace Checkpointing.ProcessTests;

/// <summary>Where the child program is and which <c>dotnet</c> host runs it: the one running these tests.</summary>
internal static class ChildHost
{
    public static string ChildDll { get; } = Path.Combine(AppContext.BaseDirectory, "Checkpointing.TestChild.dll");

    /// <summary>
    /// The dotnet host: this process's own executable when the tests run under <c>dotnet</c> (as
    /// <c>dotnet test</c> does), else the SDK's <c>DOTNET_HOST_PATH</c>, else <c>dotnet</c> from PATH.
    /// </summary>
    public static string Dotnet { get; } = FindDotnet();

    /// <summary>Finds an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string FindDotnet()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
