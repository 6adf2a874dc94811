using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Promise 7 with the real example programs, real processes and real signals: each example is run
/// once without a stop, and once stopped again and again at random moments — by SIGINT, SIGTERM
/// and <c>kill -9</c> — and re-run with <c>--yes</c> until it completes. Both runs must write the same
/// <c>--results</c> file byte for byte. After SIGINT or SIGTERM the program must exit 130 or 143 with
/// an Interrupted checkpoint holding everything it reported finished, and the next run must continue
/// with the very next trial or episode (nothing redone, nothing skipped); after <c>kill -9</c>, only
/// the trial that was running (or the episodes since the last checkpoint) may run again.
/// </summary>
public sealed partial class ExampleResumeTests(ITestOutputHelper output)
{
    private const int Trials = 24;
    private const int Episodes = 300;
    private const int EpisodeMs = 4;
    private const int EpisodeSaveEvery = 100;
    private const int SigIntExit = 130;
    private const int SigTermExit = 143;
    private const int SigKillExit = 137;

    /// <summary>Each attempt is a complete interrupted study checked on its own; more are made only if a machine hiccup let a run finish before every kind of stop had landed.</summary>
    private const int MaxAttempts = 3;

    /// <summary>
    /// The random moments are chosen with Task.Delay while children with redirected output run; with the
    /// default minimum of one pool thread per core, a delay now and then ended ~1 s late while the pool
    /// injected a thread, letting a child run on past the intended moment. More ready threads avoid that.
    /// </summary>
    static ExampleResumeTests() => ThreadPool.SetMinThreads(Math.Max(16, Environment.ProcessorCount), 16);

    private enum Stop
    {
        Int,
        Term,
        Kill,
    }

    [Fact]
    public async Task TrainingWithCheckpoints_StoppedBySigintSigtermAndKill_ResumesToByteIdenticalResults()
    {
        var seed = TestSettings.Seed();
        var rng = new Random(seed);
        var exampleSeed = (ulong)rng.Next(1, 1_000_000);
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay the same interruption points), example --seed {exampleSeed}");
        string[] settings = ["--seed", Text(exampleSeed), "--trials", Text(Trials)];
        using var temp = new TempRoot();
        var expected = await Uninterrupted("TrainingWithCheckpoints.dll", temp, settings);
        var delivered = new HashSet<Stop>();
        for (var attempt = 0; delivered.Count < 3; attempt++)
        {
            var context = $"seed {seed}, attempt {attempt}";
            Assert.True(attempt < MaxAttempts, $"{context}: only {string.Join(", ", delivered)} ever landed while the program ran, so this did not test what it should.");
            var results = await InterruptedStudy(temp, settings, Plan(rng), rng, context, delivered);
            AssertSameBytes(expected, results, context);
        }
    }

    [Fact]
    public async Task RlTraining_StoppedBySigintSigtermAndKill_ResumesToByteIdenticalResults()
    {
        var seed = TestSettings.Seed();
        var rng = new Random(seed);
        var exampleSeed = (ulong)rng.Next(1, 1_000_000);
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay the same interruption points), example --seed {exampleSeed}");
        string[] settings = ["--seed", Text(exampleSeed), "--episodes", Text(Episodes), "--episode-ms", Text(EpisodeMs)];
        using var temp = new TempRoot();
        var expected = await Uninterrupted("RlTraining.dll", temp, settings);
        var delivered = new HashSet<Stop>();
        for (var attempt = 0; delivered.Count < 3; attempt++)
        {
            var context = $"seed {seed}, attempt {attempt}";
            Assert.True(attempt < MaxAttempts, $"{context}: only {string.Join(", ", delivered)} ever landed while the program ran, so this did not test what it should.");
            var results = await InterruptedTraining(temp, settings, Plan(rng), rng, context, delivered);
            AssertSameBytes(expected, results, context);
        }
    }

    /// <summary>
    /// Runs the study in a fresh directory, stopping it as <paramref name="plan"/> says and re-running it
    /// until it completes; checks each stop and each resume; returns the results file.
    /// </summary>
    private async Task<string> InterruptedStudy(TempRoot temp, string[] settings, Stop[] plan, Random rng, string attempt, HashSet<Stop> delivered)
    {
        var root = temp.NewRoot(Guid.NewGuid().ToString("N"));
        var results = root + ".json";
        string[] args = ["--checkpoint-dir", root, .. settings, "--yes", "--results", results];
        output.WriteLine($"{attempt}: plan {string.Join(", ", plan)}");
        var lastFinished = -1;
        var maySkipUnprinted = 0;
        for (var run = 0; ; run++)
        {
            var stop = run < plan.Length ? plan[run] : (Stop?)null;
            var context = $"{attempt}, run {run} ({stop?.ToString() ?? "to completion"})";
            Assert.True(run <= plan.Length + Trials, $"{context}: the study is not making progress.");
            using var child = Start("TrainingWithCheckpoints.dll", args);
            if (stop is { } s && lastFinished < Trials - 6)
            {
                // The banner comes once the interrupt handler is installed; then 0-2 trials and a random moment.
                await ReadUntil(child, l => l == "STARTING OPTIMIZATION");
                await ReadTrialLines(child, rng.Next(0, 3));
                await Task.Delay(rng.Next(0, 100));
                await Send(child, s);
            }

            var exit = await child.WaitForExitAsync();
            var finished = FinishedTrials(child.Lines);
            output.WriteLine($"  run {run}: {stop?.ToString() ?? "none"} → exit {exit}, trials {(finished.Count == 0 ? "none" : $"{finished[0]}..{finished[^1]}")}");
            if (finished.Count > 0)
            {
                Assert.True(
                    finished[0] >= lastFinished + 1 && finished[0] <= lastFinished + 1 + maySkipUnprinted,
                    $"{context}: the last trial reported before was {lastFinished}, so this run must start with trial {lastFinished + 1}" +
                    (maySkipUnprinted > 0 ? $" (or up to {maySkipUnprinted} later, finished but unreported before kill -9)" : string.Empty) +
                    $", but it started with {finished[0]}. {child.Describe()}");
                Assert.True(finished.SequenceEqual(Enumerable.Range(finished[0], finished.Count)), $"{context}: trials out of order: {string.Join(",", finished)}. {child.Describe()}");
                lastFinished = finished[^1];
                maySkipUnprinted = 0;
            }

            if (exit == 0)
            {
                Assert.True(lastFinished == Trials - 1, $"{context}: exit 0 before trial {Trials - 1} was reported. {child.Describe()}");
                return results;
            }

            Assert.True(stop is not null, $"{context}: an uninterrupted run exited {exit}. {child.Describe()}");
            delivered.Add(stop!.Value);
            if (stop == Stop.Kill)
            {
                Assert.True(exit == SigKillExit, $"{context}: expected death by SIGKILL (137). {child.Describe()}");
                maySkipUnprinted++;
                continue;
            }

            AssertSignalExit(stop.Value, exit, child, context);
            Assert.Contains("OPTIMIZATION INTERRUPTED", child.Lines);
            var completedLine = child.Lines.Select(l => CompletedTrialsLine().Match(l)).LastOrDefault(m => m.Success);
            Assert.True(completedLine is not null, $"{context}: no 'Completed trials' line. {child.Describe()}");
            var completed = int.Parse(completedLine.Groups[1].Value, CultureInfo.InvariantCulture);

            // Every trial it reported is in the final save; a trial finished but unreported before an
            // earlier kill -9 may be too, when this run reported none of its own.
            Assert.True(
                completed >= lastFinished + 1 && completed <= lastFinished + 1 + maySkipUnprinted,
                $"{context}: the last trial reported was {lastFinished}, but the run says {completed} trials are completed. {child.Describe()}");
            AssertInterruptedCheckpoint(root, "training", "two_moons_mlp", completed, context);
            lastFinished = completed - 1;
            maySkipUnprinted = 0;
        }
    }

    /// <summary>
    /// Runs RL training in a fresh directory, stopping it as <paramref name="plan"/> says and re-running it
    /// until it completes; checks each stop and each resume; returns the results file.
    /// </summary>
    private async Task<string> InterruptedTraining(TempRoot temp, string[] settings, Stop[] plan, Random rng, string attempt, HashSet<Stop> delivered)
    {
        var root = temp.NewRoot(Guid.NewGuid().ToString("N"));
        var results = root + ".json";
        string[] args = ["--checkpoint-dir", root, .. settings, "--yes", "--results", results];
        output.WriteLine($"{attempt}: plan {string.Join(", ", plan)}");
        var durable = 0;
        var mayBeAhead = 0;
        for (var run = 0; ; run++)
        {
            var stop = run < plan.Length ? plan[run] : (Stop?)null;
            var context = $"{attempt}, run {run} ({stop?.ToString() ?? "to completion"})";
            Assert.True(run <= plan.Length + 20, $"{context}: training is not making progress.");
            using var child = Start("RlTraining.dll", args);
            var start = await ReadStart(child, context);
            Assert.True(
                start >= durable && start <= durable + mayBeAhead,
                $"{context}: episodes up to {durable} were durably saved" +
                (mayBeAhead > 0 ? $" (and at most {mayBeAhead} more may have been saved unreported before kill -9)" : string.Empty) +
                $", but the run resumed at episode {start}. {child.Describe()}");
            durable = start;
            mayBeAhead = 0;

            if (stop is { } s && start < Episodes - EpisodeSaveEvery)
            {
                // The banner comes once the interrupt handler is installed; then a random moment within the next ~60 episodes.
                await ReadUntil(child, l => l == "STARTING TRAINING");
                await Task.Delay(rng.Next(0, 60 * EpisodeMs));
                await Send(child, s);
            }

            var exit = await child.WaitForExitAsync();
            var saved = SavedSteps(child.Lines);
            output.WriteLine($"  run {run}: resumed at {start}, {stop?.ToString() ?? "none"} → exit {exit}, checkpoints at {(saved.Count == 0 ? "none" : string.Join(",", saved))}");
            if (saved.Count > 0)
            {
                durable = Math.Max(durable, saved[^1]);
            }

            if (exit == 0)
            {
                Assert.True(durable == Episodes && child.Lines.Contains("TRAINING COMPLETE"), $"{context}: exit 0 without completing. {child.Describe()}");
                return results;
            }

            Assert.True(stop is not null, $"{context}: an uninterrupted run exited {exit}. {child.Describe()}");
            delivered.Add(stop!.Value);
            if (stop == Stop.Kill)
            {
                Assert.True(exit == SigKillExit, $"{context}: expected death by SIGKILL (137). {child.Describe()}");
                mayBeAhead = EpisodeSaveEvery;
                continue;
            }

            AssertSignalExit(stop.Value, exit, child, context);
            var completed = child.Lines.Select(l => CompletedEpisodesLine().Match(l)).LastOrDefault(m => m.Success);
            Assert.True(completed is not null, $"{context}: no 'Completed episodes' line. {child.Describe()}");
            var stoppedAt = int.Parse(completed.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.True(stoppedAt == durable, $"{context}: the interrupted run reported {stoppedAt} episodes but its last checkpoint line says {durable}. {child.Describe()}");
            AssertInterruptedCheckpoint(root, "rl", "gridworld_q_learning", stoppedAt, context);
        }
    }

    /// <summary>A plan of one SIGINT, one SIGTERM and one kill -9 plus two more of any kind, in random order.</summary>
    private static Stop[] Plan(Random rng)
    {
        Stop[] plan = [Stop.Int, Stop.Term, Stop.Kill, (Stop)rng.Next(3), (Stop)rng.Next(3)];
        rng.Shuffle(plan);
        return plan;
    }

    private static void AssertSignalExit(Stop stop, int exit, ChildProcess child, string context)
    {
        var expected = stop == Stop.Int ? SigIntExit : SigTermExit;
        Assert.True(exit == expected, $"{context}: expected exit {expected} after SIG{stop.ToString().ToUpperInvariant()}. {child.Describe()}");
    }

    private async Task<string> Uninterrupted(string dll, TempRoot temp, string[] settings)
    {
        var results = Path.Combine(temp.Path, "uninterrupted.json");
        using var child = Start(dll, ["--checkpoint-dir", temp.NewRoot("uninterrupted"), .. settings, "--results", results]);
        var exit = await child.WaitForExitAsync();
        Assert.True(exit == 0, $"the uninterrupted run failed. {child.Describe()}");
        return results;
    }

    private static ChildProcess Start(string dll, string[] args) =>
        ChildProcess.Start(ChildHost.Dotnet, [Path.Combine(AppContext.BaseDirectory, dll), .. args]);

    private static Task Send(ChildProcess child, Stop stop)
    {
        if (stop == Stop.Kill)
        {
            child.Kill();
        }
        else
        {
            child.Signal(stop == Stop.Int ? "INT" : "TERM");
        }

        return Task.CompletedTask;
    }

    /// <summary>Reads stdout until <paramref name="count"/> more "Trial N finished" lines have arrived (or stdout closes).</summary>
    private static async Task ReadTrialLines(ChildProcess child, int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (!await ReadUntil(child, l => TrialLine().IsMatch(l)))
            {
                return;
            }
        }
    }

    /// <summary>Reads the RL example's header up to "Remaining episodes: R/N" and returns the episodes already done.</summary>
    private static async Task<int> ReadStart(ChildProcess child, string context)
    {
        while (await child.ReadLineAsync() is { } line)
        {
            if (RemainingEpisodesLine().Match(line) is { Success: true } match)
            {
                return Episodes - int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail($"{context}: the program ended before saying how many episodes remain. {child.Describe()}");
        return 0;
    }

    /// <summary>Reads until a line matches; false when stdout closed first.</summary>
    private static async Task<bool> ReadUntil(ChildProcess child, Func<string, bool> match)
    {
        while (await child.ReadLineAsync() is { } line)
        {
            if (match(line))
            {
                return true;
            }
        }

        return false;
    }

    private static List<int> FinishedTrials(IEnumerable<string> lines) =>
        [.. lines.Select(l => TrialLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    private static List<int> SavedSteps(IEnumerable<string> lines) =>
        [.. lines.Select(l => SavedLine().Match(l)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))];

    /// <summary>The run's newest valid checkpoint is an Interrupted one holding exactly <paramref name="step"/> units.</summary>
    private static void AssertInterruptedCheckpoint(string root, string processType, string name, long step, string context)
    {
        using var manager = new CheckpointManager(processType, name, new CheckpointOptions { RootDirectory = root, ReadOnly = true });
        var info = manager.GetRecoveryInfo();
        Assert.True(info is not null, $"{context}: no checkpoint after the interrupted run.");
        Assert.True(
            info.Status == CheckpointStatus.Interrupted && info.Step == step && info.Skipped.Count == 0,
            $"{context}: expected an Interrupted checkpoint at step {step}; found {info.CheckpointId} ({info.Status}, step {info.Step}, {info.Skipped.Count} skipped).");
    }

    private static void AssertSameBytes(string expectedPath, string actualPath, string context)
    {
        var expected = File.ReadAllBytes(expectedPath);
        var actual = File.ReadAllBytes(actualPath);
        if (expected.AsSpan().SequenceEqual(actual))
        {
            return;
        }

        var expectedLines = File.ReadAllLines(expectedPath);
        var actualLines = File.ReadAllLines(actualPath);
        var first = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        Assert.Fail($"{context}: the interrupted-and-resumed results differ from the uninterrupted ones ({actual.Length} vs {expected.Length} bytes); " +
            $"first difference at line {first + 1}: expected '{expectedLines.ElementAtOrDefault(first)}', got '{actualLines.ElementAtOrDefault(first)}'.");
    }

    private static string Text<T>(T value)
        where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\] Trial (\d+) (?:finished|failed) ")]
    private static partial Regex TrialLine();

    [GeneratedRegex(@"^✓ Checkpoint saved: \S+ \(step (\d+)/")]
    private static partial Regex SavedLine();

    [GeneratedRegex(@"^Remaining episodes: (\d+)/")]
    private static partial Regex RemainingEpisodesLine();

    [GeneratedRegex(@"^Completed trials: (\d+)/")]
    private static partial Regex CompletedTrialsLine();

    [GeneratedRegex(@"^Completed episodes: (\d+)/")]
    private static partial Regex CompletedEpisodesLine();
}
