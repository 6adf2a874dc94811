using System.Globalization;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Promise 2 with real processes: a child saves in a loop and prints each step once Save returned;
/// it is SIGKILLed at random moments, and every next open finds a valid checkpoint at least as new
/// as the last one printed, at most one stray temp file (removed on open), and resumes from it.
/// </summary>
public sealed class KillTests(ITestOutputHelper output)
{
    private const int KillsPerRun = 50;

    [Theory]
    [InlineData(1024, 110)]
    [InlineData(1024 * 1024, 100)]
    public async Task SaveLoop_KilledAtRandomMoments_NextOpenLoadsValidCheckpointNoOlderThanLastSaved(int payloadBytes, int kills)
    {
        kills = TestSettings.Scale(kills);
        var seed = TestSettings.Seed();
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay), payload {payloadBytes} bytes, {kills} kills, dotnet host {ChildHost.Dotnet} (this process: {Environment.ProcessPath})");
        var rng = new Random(seed);
        using var temp = new TempRoot();
        var root = string.Empty;
        long? latest = null;
        int interruptedSaves = 0, publishedUnprinted = 0, killsBeforeFirstLine = 0;

        for (var kill = 0; kill < kills; kill++)
        {
            if (kill % KillsPerRun == 0)
            {
                root = temp.NewRoot($"run{kill / KillsPerRun}");
                latest = null;
            }

            var context = $"seed {seed}, payload {payloadBytes}, kill #{kill}";
            long? lastSaved;
            using (var child = ChildProcess.StartChild("save-loop", root, payloadBytes.ToString(CultureInfo.InvariantCulture)))
            {
                await KillAtRandomMoment(child, rng, payloadBytes, context);
                var exit = await child.WaitForExitAsync();
                Assert.True(exit == 137, $"{context}: the child should have died by SIGKILL (exit 137). {child.Describe()}");
                lastSaved = CheckTranscript(child, latest, context);
                if (child.Lines.Count == 0)
                {
                    killsBeforeFirstLine++;
                }
            }

            var check = await RunCheckChild(root, context);
            Assert.True(check.TempBefore <= 1, $"{context}: {check.TempBefore} stray temp files; a single interrupted save leaves at most one.");
            Assert.True(check.TempAfter == 0, $"{context}: {check.TempAfter} temp files were left after opening the run; open must remove them.");
            Assert.True(check.Skipped == 0, $"{context}: {check.Skipped} checkpoints were skipped as damaged; a kill must never leave a damaged checkpoint.");

            var floor = Math.Max(lastSaved ?? -1, latest ?? -1);
            var ceiling = (lastSaved ?? latest ?? 0) + 1;
            if (floor >= 0)
            {
                Assert.True(check.Latest is { } l && l >= floor, $"{context}: latest checkpoint is {check.Latest?.ToString(CultureInfo.InvariantCulture) ?? "none"}, but step {floor} had been saved.");
            }

            Assert.True(check.Latest is null || check.Latest <= ceiling, $"{context}: latest checkpoint is {check.Latest}, beyond the one save that could have been in flight ({ceiling}).");
            interruptedSaves += check.TempBefore;
            if (check.Latest is { } found && found > floor && floor >= 0)
            {
                publishedUnprinted++;
            }

            latest = check.Latest;
        }

        output.WriteLine($"{kills} kills: {interruptedSaves} interrupted a save mid-write (temp file found and removed), " +
            $"{publishedUnprinted} fell between publishing a save and printing it, {killsBeforeFirstLine} came before the child printed anything.");
        Assert.True(interruptedSaves > 0, $"seed {seed}: none of {kills} kills landed inside a save, so this run did not test what it should.");
    }

    private static async Task KillAtRandomMoment(ChildProcess child, Random rng, int payloadBytes, string context)
    {
        switch (rng.Next(3))
        {
            case 0:
                // The instant the k-th save returned: the next save has just begun.
                await ReadSavedLines(child, rng.Next(0, 6), context);
                break;
            case 1:
                // A random moment a little after the k-th save.
                await ReadSavedLines(child, rng.Next(0, 4), context);
                await Task.Delay(rng.Next(0, payloadBytes > 64 * 1024 ? 25 : 8));
                break;
            default:
                // Any moment from process start: runtime start-up, open, temp clean-up, resume or a save.
                await Task.Delay(rng.Next(0, 400));
                break;
        }

        child.Kill();
    }

    private static async Task ReadSavedLines(ChildProcess child, int count, string context)
    {
        var first = await child.ReadLineAsync();
        Assert.True(first is not null, $"{context}: the child ended before resuming. {child.Describe()}");
        for (var saved = 0; saved < count;)
        {
            var line = await child.ReadLineAsync();
            Assert.True(line is not null, $"{context}: the child ended while saving. {child.Describe()}");
            if (line.StartsWith("SAVED ", StringComparison.Ordinal))
            {
                saved++;
            }
        }
    }

    /// <summary>Checks the killed child resumed where the last check said and saved consecutive steps; returns the last step it printed.</summary>
    private static long? CheckTranscript(ChildProcess child, long? latest, string context)
    {
        var lines = child.Lines;
        if (lines.Count == 0)
        {
            return null;
        }

        var expectedFirst = latest is { } l ? $"RESUMED {l.ToString(CultureInfo.InvariantCulture)}" : "FRESH";
        Assert.True(lines[0] == expectedFirst, $"{context}: the child should have said '{expectedFirst}' (resume, not restart). {child.Describe()}");
        var step = latest ?? 0;
        long? lastSaved = null;
        foreach (var line in lines.Skip(1))
        {
            step++;
            Assert.True(line == $"SAVED {step.ToString(CultureInfo.InvariantCulture)}", $"{context}: expected 'SAVED {step}', got '{line}'. {child.Describe()}");
            lastSaved = step;
        }

        return lastSaved;
    }

    private static async Task<CheckOutcome> RunCheckChild(string root, string context)
    {
        using var checker = ChildProcess.StartChild("check", root);
        var exit = await checker.WaitForExitAsync();
        Assert.True(exit == 0, $"{context}: the check process found a problem. {checker.Describe()}");
        var values = checker.Lines
            .Select(line => line.Split(' ', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        int Count(string key) => int.Parse(values[key], CultureInfo.InvariantCulture);
        var latest = values["LATEST"] == "none" ? (long?)null : long.Parse(values["LATEST"], CultureInfo.InvariantCulture);
        return new CheckOutcome(Count("TEMP_BEFORE"), Count("TEMP_AFTER"), Count("SKIPPED"), latest);
    }

    private sealed record CheckOutcome(int TempBefore, int TempAfter, int Skipped, long? Latest);
}
