using System.Diagnostics;

namespace Checkpointing.ProcessTests;

/// <summary>
/// How to run the child so that permission bits apply to it (root ignores them): as <c>nobody</c> through
/// <c>setpriv --reuid=65534</c> when that user can run the dotnet host and the child's build output, else as root
/// without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH (for a checkout or dotnet install under a private home).
/// <c>CKPT_TEST_RUN_AS=no-dac-override</c> forces the second, to test it.
/// </summary>
internal sealed class Unprivileged
{
    private const string Nobody = "65534";

    private static readonly Lazy<(Unprivileged? Runner, string? Why)> Found = new(Find);

    private Unprivileged(string[] prefix, bool asNobody, string description)
    {
        Prefix = prefix;
        AsNobody = asNobody;
        Description = description;
    }

    /// <summary>The command that goes before <c>dotnet Checkpointing.TestChild.dll …</c>.</summary>
    public IReadOnlyList<string> Prefix { get; }

    /// <summary>What the child runs as, for the test output.</summary>
    public string Description { get; }

    private bool AsNobody { get; }

    /// <summary>The runner, or null with the reason none works here.</summary>
    public static (Unprivileged? Runner, string? Why) Get() => Found.Value;

    /// <summary>Makes <paramref name="path"/> (recursively) belong to the user the child runs as.</summary>
    public void Own(string path)
    {
        if (AsNobody)
        {
            FaultFileSystem.Run("chown", "-R", $"{Nobody}:{Nobody}", path);
        }
    }

    private static (Unprivileged?, string?) Find()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            return (null, "running the child without permission overrides needs root (setpriv), as CI has");
        }

        var setpriv = ChildHost.FindOnPath("setpriv") ?? (File.Exists("/usr/bin/setpriv") ? "/usr/bin/setpriv" : null);
        if (setpriv is null)
        {
            return (null, "setpriv is not installed (util-linux)");
        }

        string[] nobody = [setpriv, $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"];
        if (Environment.GetEnvironmentVariable("CKPT_TEST_RUN_AS") != "no-dac-override" && Probe(nobody))
        {
            return (new Unprivileged(nobody, asNobody: true, "uid 65534 (nobody) via setpriv"), null);
        }

        string[] noOverride = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-dac_override,-dac_read_search"];
        if (Probe(noOverride))
        {
            return (new Unprivileged(noOverride, asNobody: false, "root without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH via setpriv"), null);
        }

        return (null, "setpriv could not start the child either as nobody or without CAP_DAC_OVERRIDE");
    }

    /// <summary>Runs the child with no arguments: it prints its usage and exits 2 if it could start at all.</summary>
    private static bool Probe(string[] prefix)
    {
        var info = new ProcessStartInfo(prefix[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in prefix.Skip(1).Concat([ChildHost.Dotnet, ChildHost.ChildDll]))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 2 && stderr.Contains("usage:", StringComparison.Ordinal);
    }
}
