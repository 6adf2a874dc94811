using System.Globalization;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Background saves with real processes: a child saves in a loop with SaveInBackgroundAsync (a state and
/// a float64 section derived from the step, its buffer overwritten as soon as each call returns) and prints
/// each step once its Completion completed. It is SIGKILLed at random moments; every next open removes the
/// one stray temp file a kill may leave, and loads a valid checkpoint, with the section of its own step, at
/// least as new as the last step printed durable and no newer than the last step asked for.
/// </summary>
public sealed class BackgroundSaveKillTests(ITestOutputHelper output)
{
    private const int Kills = 20;
    private const int SectionMiB = 3;

    [Fact]
    public async Task BackgroundSaveLoop_KilledAtRandomMoments_NextOpenLoadsValidCheckpointNoOlderThanLastDurable()
    {
        var kills = TestSettings.Scale(Kills);
        var seed = TestSettings.Seed();
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay), section {SectionMiB} MiB, {kills} kills");
        var rng = new Random(seed);
        using var temp = new TempRoot();
        var root = temp.NewRoot("bg");
        var runDirectory = Path.Combine(root, LoopState.ProcessType, BackgroundSaveLoop.RunName);
        long? latest = null;
        int interruptedSaves = 0, durableLines = 0, beyondDurable = 0;

        for (var kill = 0; kill < kills; kill++)
        {
            var context = $"seed {seed}, kill #{kill}";
            Transcript transcript;
            using (var child = ChildProcess.StartChild("bg-save-loop", root, SectionMiB.ToString(CultureInfo.InvariantCulture)))
            {
                await KillAtRandomMoment(child, rng, context);
                var exit = await child.WaitForExitAsync();
                Assert.True(exit == 137, $"{context}: the child should have died by SIGKILL (exit 137). {child.Describe()}");
                transcript = ReadTranscript(child, latest, context);
            }

            var tempBefore = CountTemp(runDirectory);
            Assert.True(tempBefore <= 1, $"{context}: {tempBefore} stray temp files; one background save in flight leaves at most one.");
            using (var manager = new CheckpointManager(LoopState.ProcessType, BackgroundSaveLoop.RunName, BackgroundSaveLoop.Options(root)))
            {
                Assert.True(CountTemp(runDirectory) == 0, $"{context}: opening the run left temp files in place.");
                var loaded = manager.LoadLatest<BgLoopState>();
                var floor = Math.Max(transcript.LastDurable ?? -1, latest ?? -1);
                var ceiling = Math.Max(transcript.LastAsked ?? -1, latest ?? -1);
                if (floor >= 0)
                {
                    Assert.True(loaded is not null && loaded.Metadata.Step >= floor, $"{context}: latest checkpoint is {loaded?.Metadata.Step.ToString(CultureInfo.InvariantCulture) ?? "none"}, but step {floor} had been reported durable.");
                }

                if (loaded is not null)
                {
                    Assert.True(loaded.Metadata.Step <= ceiling, $"{context}: latest checkpoint is step {loaded.Metadata.Step}, but the child never asked for more than {ceiling}.");
                    Assert.True(loaded.Skipped.Count == 0, $"{context}: checkpoints were skipped as damaged ({string.Join("; ", loaded.Skipped.Select(s => $"{s.FileName}: {s.Reason}"))}); a kill must never leave one.");
                    var problem = BackgroundSaveLoop.Problem(loaded);
                    Assert.True(problem is null, $"{context}: checkpoint {loaded.Metadata.Id}: {problem}");
                    beyondDurable += loaded.Metadata.Step > floor ? 1 : 0;
                }

                latest = loaded?.Metadata.Step;
            }

            interruptedSaves += tempBefore;
            durableLines += transcript.DurableCount;
        }

        output.WriteLine($"{kills} kills: {durableLines} saves reported durable, {interruptedSaves} kills interrupted a write (temp file found and removed), " +
            $"{beyondDurable} found a checkpoint newer than the last one reported durable; final step {latest}.");
        Assert.True(durableLines > 0, $"seed {seed}: no background save was ever reported durable, so this run did not test what it should.");
        Assert.True(interruptedSaves > 0, $"seed {seed}: none of {kills} kills landed inside a background write, so this run did not test what it should.");
    }

    private static async Task KillAtRandomMoment(ChildProcess child, Random rng, string context)
    {
        switch (rng.Next(3))
        {
            case 0:
                // The moment the k-th save was reported durable: the next one is being captured or written.
                await ReadDurableLines(child, rng.Next(0, 4), context);
                break;
            case 1:
                // A random moment a little after the k-th durable save.
                await ReadDurableLines(child, rng.Next(0, 3), context);
                await Task.Delay(rng.Next(0, 40));
                break;
            default:
                // Any moment from process start: start-up, open, clean-up, resume, capture or write.
                await Task.Delay(rng.Next(0, 500));
                break;
        }

        child.Kill();
    }

    private static async Task ReadDurableLines(ChildProcess child, int count, string context)
    {
        var first = await child.ReadLineAsync();
        Assert.True(first is not null, $"{context}: the child ended before resuming. {child.Describe()}");
        for (var durable = 0; durable < count;)
        {
            var line = await child.ReadLineAsync();
            Assert.True(line is not null, $"{context}: the child ended while saving. {child.Describe()}");
            if (line.StartsWith("durable ", StringComparison.Ordinal))
            {
                durable++;
            }
        }
    }

    /// <summary>Checks the killed child resumed from the last checkpoint found and asked for consecutive steps; returns what it reported.</summary>
    private static Transcript ReadTranscript(ChildProcess child, long? latest, string context)
    {
        var lines = child.Lines;
        if (lines.Count == 0)
        {
            return new Transcript(null, null, 0);
        }

        var expectedFirst = latest is { } l ? $"RESUMED {l.ToString(CultureInfo.InvariantCulture)}" : "FRESH";
        Assert.True(lines[0] == expectedFirst, $"{context}: the child should have said '{expectedFirst}' (resume, not restart). {child.Describe()}");
        var asked = latest ?? 0;
        long? lastAsked = null, lastDurable = null;
        var durableCount = 0;
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(' ');
            Assert.True(parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _), $"{context}: unexpected line '{line}'. {child.Describe()}");
            var step = long.Parse(parts[1], CultureInfo.InvariantCulture);
            switch (parts[0])
            {
                case "saving":
                    Assert.True(step == asked + 1, $"{context}: expected 'saving {asked + 1}', got '{line}'. {child.Describe()}");
                    asked = step;
                    lastAsked = step;
                    break;
                case "durable":
                    Assert.True(lastAsked is { } a && step <= a && step > (latest ?? 0), $"{context}: '{line}' names a step that was not asked for in this run. {child.Describe()}");
                    lastDurable = Math.Max(lastDurable ?? step, step);
                    durableCount++;
                    break;
                default:
                    Assert.Fail($"{context}: unexpected line '{line}'. {child.Describe()}");
                    break;
            }
        }

        return new Transcript(lastAsked, lastDurable, durableCount);
    }

    private static int CountTemp(string runDirectory) => RunCheck.CountTemp(runDirectory);

    private sealed record Transcript(long? LastAsked, long? LastDurable, int DurableCount);
}
