using System.Diagnostics;

namespace Checkpointing.ProcessTests;

/// <summary>Runs one of the repository's bash scripts to the end, with a deadline, and returns what it printed.</summary>
internal static class BashScript
{
    /// <summary>The exit code and the standard output followed by the standard error.</summary>
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(string relativePath, IEnumerable<string> arguments, TimeSpan deadline, IReadOnlyDictionary<string, string>? environment = null)
    {
        var script = Path.Combine(TestSettings.RepositoryRoot(), relativePath);
        var start = new ProcessStartInfo("bash", [script, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var guard = new CancellationTokenSource(deadline))
        {
            try
            {
                await process.WaitForExitAsync(guard.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{relativePath} {string.Join(' ', start.ArgumentList.Skip(1))} did not finish in {deadline.TotalSeconds:F0} s.");
            }
        }

        return new Result(process.ExitCode, await stdout + await stderr, watch.Elapsed);
    }
}
