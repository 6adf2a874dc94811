using System.Diagnostics;

namespace Checkpointing.Cli.Tests;

/// <summary>
/// Runs Debian's <c>chromium</c> headless on a local file, with a fresh profile, no network services and a time
/// limit after which the whole process tree is killed. CI installs the package (.ci/run).
/// </summary>
internal sealed class HeadlessChromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly TimeSpan TimeLimit = TimeSpan.FromSeconds(90);

    public static bool IsInstalled => File.Exists(Path);

    /// <summary>True where chromium must be present: CI (<c>CI=true</c>), or root, where .ci/run installs it.</summary>
    public static bool IsRequired =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) || Environment.IsPrivilegedProcess;

    /// <summary>The DOM after the page has loaded and rendered, serialised as HTML (<c>--dump-dom</c>).</summary>
    public static string DumpDom(string htmlFile, string profileDirectory) =>
        Run(profileDirectory, ["--dump-dom", new Uri(htmlFile).AbsoluteUri]).Stdout;

    /// <summary>Saves a PNG of the rendered page at a window of <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    public static void Screenshot(string htmlFile, string pngFile, int width, int height, string profileDirectory) =>
        Run(profileDirectory, [$"--screenshot={pngFile}", $"--window-size={width},{height}", "--hide-scrollbars", new Uri(htmlFile).AbsoluteUri]);

    private static (string Stdout, string Stderr) Run(string profileDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--virtual-time-budget=5000", $"--user-data-dir={profileDirectory}",
        }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeLimit))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            Assert.Fail($"chromium did not finish within {TimeLimit.TotalSeconds} s and was killed; its standard error:\n{stderr.Result}");
        }

        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chromium exited with {process.ExitCode}; its standard error:\n{stderr.Result}");
        return (stdout.Result, stderr.Result);
    }
}
