using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The bounded CI run of the fuzzers (docs/FUZZING.md): fuzz/run.sh for each reader, <c>CKPT_FUZZ_SECONDS</c>
/// (default 60) seconds each. Passes when AFL++ ran the target and found no crash and no hang; anything it found is
/// copied by the script into tests/Checkpointing.Tests/Fuzzing/Regressions and fails this test. Needs afl++ (the
/// script installs it when root): skipped with a note without it, a failure when CI=true.
/// </summary>
public sealed partial class FuzzSmokeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("checkpoint")]
    [InlineData("journal")]
    public async Task RunScript_BoundedRun_ExecutesAndFindsNothing(string target)
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("CKPT_FUZZ_SECONDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s > 0 ? s : 60;
        var run = await BashScript.RunAsync(
            Path.Combine("fuzz", "run.sh"),
            [target, seconds.ToString(CultureInfo.InvariantCulture)],
            TimeSpan.FromSeconds(seconds + 300),
            new Dictionary<string, string> { ["FUZZ_WORK"] = Path.Combine(Path.GetTempPath(), "ckpt-fuzz-smoke") });
        var text = run.Output;
        output.WriteLine($"fuzz/run.sh {target} {seconds} took {run.Elapsed.TotalSeconds:F0} s, exit {run.ExitCode}:{Environment.NewLine}{text}");
        if (run.ExitCode == 2 && text.Contains("afl-fuzz is missing", StringComparison.Ordinal))
        {
            Assert.False(TestSettings.InCi, "afl++ is not installed; CI must install it (apt-get install -y afl++) so the readers are fuzzed.");
            output.WriteLine("SKIPPED: afl-fuzz is not on PATH (install the Debian package afl++; with CI=true this is a failure).");
            return;
        }

        var stats = StatsLine().Match(text);
        Assert.True(stats.Success, $"fuzz/run.sh printed no statistics (exit {run.ExitCode}):{Environment.NewLine}{text}");
        Assert.True(long.Parse(stats.Groups["execs"].Value, CultureInfo.InvariantCulture) > 0, "AFL++ ran no input.");
        Assert.True(
            run.ExitCode == 0 && stats.Groups["crashes"].Value == "0" && stats.Groups["hangs"].Value == "0",
            $"The fuzzer found failing inputs; they were copied into tests/Checkpointing.Tests/Fuzzing/Regressions/{target}:{Environment.NewLine}{text}");
    }

    [GeneratedRegex(@"execs_done=(?<execs>\d+) .*saved_crashes=(?<crashes>\d+) saved_hangs=(?<hangs>\d+)")]
    private static partial Regex StatsLine();
}
