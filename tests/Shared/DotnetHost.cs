namespace Checkpointing.Testing;

/// <summary>The <c>dotnet</c> host that runs child programs in the process tests: the one running the tests.</summary>
internal static class DotnetHost
{
    /// <summary>
    /// This process's own executable when the tests run under <c>dotnet</c> (as <c>dotnet test</c> does), else the
    /// SDK's <c>DOTNET_HOST_PATH</c>, else <c>dotnet</c> from PATH.
    /// </summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var self = Environment.ProcessPath;
        if (self is not null && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        var hostPath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(hostPath) && File.Exists(hostPath) ? hostPath : "dotnet";
    }
}
