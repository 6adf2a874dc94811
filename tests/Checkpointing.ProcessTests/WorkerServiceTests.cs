using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The WorkerService example (a batch job under the generic host, a <c>CheckpointedBackgroundService</c>) as a
/// real process stopped the way <c>docker stop</c> stops a container: SIGTERM at a random batch. It must exit
/// 143 once its final checkpoint is durable, that checkpoint must be Interrupted at the last batch it
/// reported, and the next start must resume with the very next batch and write the same <c>--results</c>
/// file, byte for byte, as an uninterrupted run with the same seed.
/// </summary>
public sealed partial class WorkerServiceTests(ITestOutputHelper output)
{
    private const int Batches = 160;
    private const int SigTermExit = 143;
    private const string ProcessType = "batch";
    private const string RunName = "transactions";

    [Fact]
    public async Task WorkerService_StoppedBySigterm_Exits143AfterADurableInterruptedCheckpointAndResumesToTheSameResult()
    {
        var seed = TestSettings.Seed();
        var rng = new Random(seed);
        var exampleSeed = (ulong)rng.Next(1, 1_000_000);
        var stopAfter = rng.Next(3, 40);
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay), example --seed {exampleSeed}, SIGTERM after batch {stopAfter}");
        string[] settings = ["--seed", Text(exampleSeed), "--records", Text(Batches * 50), "--batch-size", "50", "--batch-ms", "15", "--save-every", "10"];
        using var temp = new TempRoot();

        var expected = Path.Combine(temp.Path, "uninterrupted.json");
        using (var baseline = Start(["--checkpoint-dir", temp.NewRoot("uninterrupted"), .. settings, "--results", expected]))
        {
            Assert.True(await baseline.WaitForExitAsync() == 0, $"the uninterrupted run failed. {baseline.Describe()}");
        }

        var root = temp.NewRoot("interrupted");
        var results = Path.Combine(temp.Path, "interrupted.json");
        string[] args = ["--checkpoint-dir", root, .. settings, "--yes", "--results", results];

        // docker stop: SIGTERM, then wait for the exit.
        long finalStep;
        string finalId;
        using (var child = Start(args))
        {
            while (await child.ReadLineAsync() is { } line && !(BatchLine().Match(line) is { Success: true } m && Number(m) >= stopAfter))
            {
            }

            var clock = Stopwatch.StartNew();
            child.Signal("TERM");
            var exit = await child.WaitForExitAsync();
            output.WriteLine($"SIGTERM to exit: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(exit == SigTermExit, $"expected exit {SigTermExit} after SIGTERM. {child.Describe()}");

            var final = child.Lines.Select(l => FinalCheckpointLine().Match(l)).SingleOrDefault(m => m.Success);
            Assert.True(final is not null, $"no final-checkpoint line. {child.Describe()}");
            finalId = final.Groups[1].Value;
            finalStep = long.Parse(final.Groups[2].Value, CultureInfo.InvariantCulture);
            output.WriteLine($"final checkpoint {finalId} at batch {finalStep}, saved in {final.Groups[3].Value} ms");

            // The batch running at the signal finished and is in the checkpoint: the last one reported.
            var reported = child.Lines.Select(l => BatchLine().Match(l)).Where(m => m.Success).Select(Number).ToList();
            Assert.True(reported.Count > 0 && reported[^1] == finalStep, $"the last batch reported was {(reported.Count == 0 ? "none" : reported[^1])}, the final checkpoint is at {finalStep}. {child.Describe()}");
            Assert.True(finalStep < Batches, $"the job completed before SIGTERM landed, so this did not test a stop. {child.Describe()}");
            Assert.False(File.Exists(results), "an interrupted run wrote the results file.");
        }

        using (var manager = new CheckpointManager(ProcessType, RunName, new CheckpointOptions { RootDirectory = root, ReadOnly = true }))
        {
            var info = manager.GetRecoveryInfo();
            Assert.True(
                info is { Status: CheckpointStatus.Interrupted, Skipped.Count: 0 } && info.Step == finalStep && info.CheckpointId == finalId,
                $"expected the newest valid checkpoint to be {finalId} (Interrupted, batch {finalStep}); found {info?.CheckpointId} ({info?.Status}, batch {info?.Step}, {info?.Skipped.Count} skipped).");
        }

        // The next start resumes there and finishes with the uninterrupted result.
        using (var child = Start(args))
        {
            var exit = await child.WaitForExitAsync();
            Assert.True(exit == 0, $"the resumed run failed. {child.Describe()}");
            Assert.Contains(child.Lines, l => l.Contains($"Resumed run {ProcessType}/{RunName} from checkpoint {finalId} at step {finalStep} (status Interrupted)", StringComparison.Ordinal));
            var first = child.Lines.Select(l => BatchLine().Match(l)).First(m => m.Success);
            Assert.True(Number(first) == finalStep + 1, $"the resumed run started with batch {Number(first)}, not {finalStep + 1}. {child.Describe()}");
        }

        Assert.Equal(File.ReadAllText(expected), File.ReadAllText(results));
    }

    private static ChildProcess Start(string[] args) =>
        ChildProcess.Start(ChildHost.Dotnet, [Path.Combine(AppContext.BaseDirectory, "WorkerService.dll"), .. args]);

    private static long Number(Match match) => long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\] Batch (\d+)/\d+ done:")]
    private static partial Regex BatchLine();

    [GeneratedRegex(@"saved its final checkpoint (\S+) at step (\d+) \(Interrupted\) in ([\d.]+) ms")]
    private static partial Regex FinalCheckpointLine();
}
