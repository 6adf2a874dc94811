using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Checkpointing.Interrupts;
using Checkpointing.TestChild;
using Checkpointing.Training;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// Real signals to a real training loop (the child's <c>train</c> mode: an <see cref="InterruptHandler"/>
/// and a <see cref="TrainingCheckpointCallback"/>): SIGINT, SIGTERM and SIGHUP end it with 130, 143 and
/// 129 after a durable Interrupted checkpoint holding every unit it reported finished, so nothing is
/// redone; a second signal exits at once; a failure leaves a Failed checkpoint with the error.
/// </summary>
public sealed class InterruptTests(ITestOutputHelper output)
{
    private const int Units = 400;

    [Theory]
    [InlineData("INT", 130)]
    [InlineData("TERM", 143)]
    [InlineData("HUP", 129)]
    public async Task Signal_DuringAUnit_ExitsWithItsCodeAfterSavingEveryFinishedUnit(string signal, int exitCode)
    {
        var seed = TestSettings.Seed();
        var context = $"SIG{signal}, seed {seed}";
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        using var child = ChildProcess.StartChild(Train(root, seed));

        var finishedBefore = await ReadUntilDone(child, 1 + new Random(seed).Next(8), context);
        SendSignal(child.Id, signal);
        var exit = await child.WaitForExitAsync();

        Assert.True(exit == exitCode, $"{context}: expected exit {exitCode}. {child.Describe()}");
        var lastDone = LastDone(child);
        Assert.True(lastDone >= finishedBefore, $"{context}: the child reported fewer units after the signal. {child.Describe()}");
        Assert.True(child.Lines[^1] == $"INTERRUPTED_SAVED {lastDone}", $"{context}: the final save should hold unit {lastDone}, the last one reported. {child.Describe()}");
        Assert.Contains($"Interrupt received (SIG{signal}): finishing the current unit, then saving.", child.Stderr, StringComparison.Ordinal);

        var latest = LoadLatest(root);
        Assert.Equal(CheckpointStatus.Interrupted, latest.Metadata.Status);
        Assert.Equal(lastDone, latest.Metadata.Step);
        Assert.Equal("SIG" + signal, latest.Metadata.Tags[TrainingCheckpointCallback.SignalTag]);
        Assert.Equal(TrainLoopState.Uninterrupted(lastDone, (ulong)seed), latest.State);
    }

    [Fact]
    public async Task Signal_AbandonMode_StopsTheRunningUnitAndSavesTheFinishedOnes()
    {
        var seed = TestSettings.Seed();
        var context = $"abandon, seed {seed}";
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");

        // Units of 10 s: without abandoning, the child could not stop before the hang guard.
        using var child = ChildProcess.StartChild([.. Train(root, seed, unitMs: 10_000), "--mode", "abandon"]);
        await ReadUntil(child, "READY", context);
        SendSignal(child.Id, "TERM");
        var exit = await child.WaitForExitAsync();

        Assert.True(exit == 143, $"{context}: expected exit 143. {child.Describe()}");
        Assert.True(child.Lines[^1] == "INTERRUPTED_SAVED 0", $"{context}: the abandoned first unit must not count. {child.Describe()}");
        Assert.Contains("abandoning the current unit", child.Stderr, StringComparison.Ordinal);
        var latest = LoadLatest(root);
        Assert.Equal(CheckpointStatus.Interrupted, latest.Metadata.Status);
        Assert.Equal(TrainLoopState.Initial((ulong)seed), latest.State);
    }

    [Fact]
    public async Task SecondSigInt_DuringASlowFinalSave_ExitsAtOnceLeavingThePreviousCheckpoint()
    {
        var seed = TestSettings.Seed();
        var context = $"second SIGINT, seed {seed}";
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");

        // The final save stalls for a minute once it starts, so only the second signal can end the child in time.
        using var child = ChildProcess.StartChild([.. Train(root, seed, saveEvery: 3), "--slow-final-save"]);
        await ReadUntilDone(child, 7, context);
        SendSignal(child.Id, "INT");
        await ReadUntil(child, "FINAL_SAVE_STARTED", context);
        SendSignal(child.Id, "INT");
        var exit = await child.WaitForExitAsync();

        Assert.True(exit == 130, $"{context}: expected exit 130 from the second SIGINT. {child.Describe()}");
        Assert.DoesNotContain(child.Lines, l => l.StartsWith("INTERRUPTED_SAVED", StringComparison.Ordinal));
        Assert.Contains("Second interrupt (SIGINT): exiting now with code 130", child.Stderr, StringComparison.Ordinal);
        var latest = LoadLatest(root);
        Assert.Equal(CheckpointStatus.InProgress, latest.Metadata.Status);
        Assert.True(latest.Metadata.Step % 3 == 0 && latest.Metadata.Step >= 6, $"{context}: expected the last periodic checkpoint, got step {latest.Metadata.Step}. {child.Describe()}");
        Assert.Equal(TrainLoopState.Uninterrupted(latest.Metadata.Step, (ulong)seed), latest.State);
    }

    [Fact]
    public async Task UnitThrows_FailedCheckpointWithTheErrorText()
    {
        var seed = TestSettings.Seed();
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");

        using var child = ChildProcess.StartChild([.. Train(root, seed, unitMs: 1, saveEvery: 4), "--fail-at", "6"]);
        var exit = await child.WaitForExitAsync();

        Assert.True(exit == 1, $"expected exit 1 from the rethrown exception. {child.Describe()}");
        Assert.Equal("FAILED_SAVED 5", child.Lines[^1]);
        var latest = LoadLatest(root);
        Assert.Equal(CheckpointStatus.Failed, latest.Metadata.Status);
        Assert.Equal(5, latest.Metadata.Step);
        Assert.Equal("System.InvalidOperationException: unit 6 failed on purpose", latest.Metadata.Tags[TrainingCheckpointCallback.ErrorTag]);
        Assert.Contains("TrainLoop.Run", latest.Metadata.Tags[TrainingCheckpointCallback.StackTag], StringComparison.Ordinal);
        Assert.Equal(TrainLoopState.Uninterrupted(5, (ulong)seed), latest.State);
    }

    [Fact]
    public async Task RepeatedSignals_ResumedUntilDone_EveryUnitRunsExactlyOnceAndTheResultIsExact()
    {
        const int units = 60;
        var seed = TestSettings.Seed();
        var rng = new Random(seed);
        output.WriteLine($"seed {seed} (set CKPT_TEST_SEED={seed} to replay)");
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        var done = new List<long>();
        var interruptions = 0;

        for (var session = 1; ; session++)
        {
            var context = $"seed {seed}, session {session}";
            Assert.True(session <= units, $"{context}: too many sessions; the run is not making progress.");
            using var child = ChildProcess.StartChild(Train(root, seed, units, unitMs: 15, saveEvery: 7));
            var signal = new[] { "INT", "TERM", "HUP" }[rng.Next(3)];
            var target = done.Count + 1 + rng.Next(8);
            // Near the end, let the run complete: a signal racing the last unit could land after the handler is gone.
            var completed = target > units - 5;
            if (!completed)
            {
                await ReadUntilDone(child, target, context);
                // The test reads the child's output later than the child writes it: on a busy machine the child can
                // reach the end before the signal is sent. Then it must have completed normally (checked below).
                completed = !TrySendSignal(child.Id, signal);
            }

            var exit = await child.WaitForExitAsync();
            var lines = child.Lines;
            if (!completed && exit == 0 && lines[^1] == $"COMPLETED {units}")
            {
                completed = true; // the signal arrived after the last unit, as the child was exiting
            }

            Assert.True(lines[0] == $"SESSION {session}", $"{context}: wrong session number. {child.Describe()}");
            if (session == 1)
            {
                Assert.True(lines[1] == "FRESH", $"{context}: {child.Describe()}");
            }
            else
            {
                Assert.True(lines[1] == $"RESUMED {done.Count} Interrupted", $"{context}: should resume at the last unit reported. {child.Describe()}");
                Assert.True(lines[2] == $"INTERRUPTIONS {interruptions}", $"{context}: {child.Describe()}");
                Assert.True(lines[3] == "WORK_REDONE none: the run saved when it stopped", $"{context}: {child.Describe()}");
            }

            done.AddRange(lines.Where(l => l.StartsWith("DONE ", StringComparison.Ordinal)).Select(l => long.Parse(l.AsSpan(5), CultureInfo.InvariantCulture)));
            if (completed)
            {
                Assert.True(exit == 0 && lines[^1] == $"COMPLETED {units}", $"{context}: expected completion. {child.Describe()}");
                break;
            }

            Assert.True(exit == InterruptHandler.ExitCodeFor(ToPosix(signal)), $"{context}: SIG{signal} should exit {InterruptHandler.ExitCodeFor(ToPosix(signal))}. {child.Describe()}");
            Assert.True(lines[^1] == $"INTERRUPTED_SAVED {done[^1]}", $"{context}: {child.Describe()}");
            interruptions++;
        }

        output.WriteLine($"{interruptions} interruptions");
        Assert.True(interruptions > 0, $"seed {seed}: no session was interrupted, so the signals were never tested.");
        Assert.Equal(Enumerable.Range(1, units).Select(i => (long)i), done);
        var final = LoadLatest(root);
        Assert.Equal(CheckpointStatus.Completed, final.Metadata.Status);
        Assert.Equal(TrainLoopState.Uninterrupted(units, (ulong)seed), final.State);
        Assert.Equal((interruptions + 1).ToString(CultureInfo.InvariantCulture), final.Metadata.Tags[TrainingCheckpointCallback.SessionsTag]);
    }

    private static string[] Train(string root, int seed, int units = Units, int unitMs = 20, int saveEvery = 10) =>
    [
        "train", root, units.ToString(CultureInfo.InvariantCulture),
        "--seed", seed.ToString(CultureInfo.InvariantCulture),
        "--unit-ms", unitMs.ToString(CultureInfo.InvariantCulture),
        "--save-every", saveEvery.ToString(CultureInfo.InvariantCulture),
    ];

    private static PosixSignal ToPosix(string signal) => signal switch
    {
        "INT" => PosixSignal.SIGINT,
        "TERM" => PosixSignal.SIGTERM,
        _ => PosixSignal.SIGHUP,
    };

    /// <summary>Sends a real signal with the system's <c>kill</c> command; false when the process no longer exists.</summary>
    private static bool TrySendSignal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false, RedirectStandardError = true })!;
        var error = kill.StandardError.ReadToEnd();
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0 || error.Contains("No such process", StringComparison.OrdinalIgnoreCase), $"kill -{signal} {pid} failed with exit {kill.ExitCode}: {error}");
        return kill.ExitCode == 0;
    }

    /// <summary>Sends a real signal with the system's <c>kill</c> command.</summary>
    private static void SendSignal(int pid, string signal) =>
        Assert.True(TrySendSignal(pid, signal), $"kill -{signal} {pid}: the process had already exited");

    /// <summary>Reads stdout until <c>DONE n</c> with n ≥ <paramref name="units"/>; returns n.</summary>
    private static async Task<long> ReadUntilDone(ChildProcess child, long units, string context)
    {
        while (true)
        {
            var line = await child.ReadLineAsync();
            Assert.True(line is not null, $"{context}: the child ended before finishing {units} units. {child.Describe()}");
            if (line.StartsWith("DONE ", StringComparison.Ordinal) && long.Parse(line.AsSpan(5), CultureInfo.InvariantCulture) is var done && done >= units)
            {
                return done;
            }
        }
    }

    private static async Task ReadUntil(ChildProcess child, string expected, string context)
    {
        while (await child.ReadLineAsync() is { } line)
        {
            if (line == expected)
            {
                return;
            }
        }

        Assert.Fail($"{context}: the child ended without printing {expected}. {child.Describe()}");
    }

    private static long LastDone(ChildProcess child) =>
        child.Lines.Where(l => l.StartsWith("DONE ", StringComparison.Ordinal)).Select(l => long.Parse(l.AsSpan(5), CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Last();

    /// <summary>Loads the run's newest checkpoint read-only, as a resuming process would find it.</summary>
    private static Checkpoint<TrainLoopState> LoadLatest(string root)
    {
        using var reader = new CheckpointManager(TrainLoopState.ProcessType, TrainLoopState.RunName, new CheckpointOptions { RootDirectory = root, ReadOnly = true });
        var latest = reader.LoadLatest<TrainLoopState>();
        Assert.NotNull(latest);
        return latest;
    }
}
