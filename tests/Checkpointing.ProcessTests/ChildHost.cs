using Checkpointing.Testing;

namespace Checkpointing.ProcessTests;

/// <summary>Where the child program is and which <c>dotnet</c> host runs it: the one running these tests.</summary>
internal static class ChildHost
{
    public static string ChildDll { get; } = Path.Combine(AppContext.BaseDirectory, "Checkpointing.TestChild.dll");

    /// <summary>The dotnet host (see <see cref="DotnetHost"/>).</summary>
    public static string Dotnet => DotnetHost.Path;

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
}
