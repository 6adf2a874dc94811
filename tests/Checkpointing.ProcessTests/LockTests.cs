using System.Globalization;
using Checkpointing.TestChild;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>Promise 5 with real processes: one writer per run, the loser is told who holds it, a killed holder blocks no one.</summary>
public sealed class LockTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Open_TwoProcessesRaceForRun_ExactlyOneWinsAndLoserNamesWinner()
    {
        var races = TestSettings.Scale(200);
        using var temp = new TempRoot();
        var firstStartedWon = 0;
        for (var race = 0; race < races; race++)
        {
            // Half the races are for a fresh run, half for one whose lock file names the last (exited) winner.
            var root = race % 2 == 0 ? temp.NewRoot($"race{race}") : temp.NewRoot("reused");
            using var a = ChildProcess.StartChild("lock-try", root, "--go");
            using var b = ChildProcess.StartChild("lock-try", root, "--go");
            await ExpectLine(a, "READY", race);
            await ExpectLine(b, "READY", race);

            // Both are started and loaded; release them together, alternating who hears first.
            var (first, second) = race / 2 % 2 == 0 ? (a, b) : (b, a);
            first.WriteLine("GO");
            second.WriteLine("GO");
            var lineA = await a.ReadLineAsync() ?? string.Empty;
            var lineB = await b.ReadLineAsync() ?? string.Empty;
            a.CloseInput();
            b.CloseInput();
            var exitA = await a.WaitForExitAsync();
            var exitB = await b.WaitForExitAsync();
            var context = $"race #{race}: A={a.Describe()} B={b.Describe()}";
            Assert.True(exitA == 0 && exitB == 0, $"{context}: both children should exit 0.");

            var aWon = lineA.StartsWith("WON ", StringComparison.Ordinal);
            var bWon = lineB.StartsWith("WON ", StringComparison.Ordinal);
            Assert.True(aWon ^ bWon, $"{context}: exactly one process must win the run's writer lock.");
            var (winner, winnerLine, loserLine) = aWon ? (a, lineA, lineB) : (b, lineB, lineA);
            var winnerHost = Field(winnerLine, "host");
            Assert.True(Field(winnerLine, "pid") == winner.Id.ToString(CultureInfo.InvariantCulture), $"{context}: the winner reported a pid that is not its own.");
            Assert.True(loserLine.StartsWith("LOCKED_BY ", StringComparison.Ordinal), $"{context}: the loser should get CheckpointLockedException.");
            Assert.True(
                Field(loserLine, "pid") == winner.Id.ToString(CultureInfo.InvariantCulture) && Field(loserLine, "host") == winnerHost,
                $"{context}: the loser's error must name the winner (pid {winner.Id}, host {winnerHost}), it said '{loserLine}'.");
            if (ReferenceEquals(winner, first))
            {
                firstStartedWon++;
            }
        }

        output.WriteLine($"{races} races: exactly one winner every time; the process told GO first won {firstStartedWon} times.");
    }

    [Fact]
    public async Task Open_AfterHolderKilled_NextWriterAcquiresOnFirstAttempt()
    {
        var repetitions = TestSettings.Scale(20);
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        for (var i = 0; i < repetitions; i++)
        {
            using (var holder = ChildProcess.StartChild("lock-hold", root))
            {
                await ExpectLine(holder, $"LOCKED pid={holder.Id.ToString(CultureInfo.InvariantCulture)}", i);

                var locked = Assert.Throws<CheckpointLockedException>(() => new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root)));
                Assert.True(locked.HolderProcessId == holder.Id, $"repetition #{i}: while the holder lives, the error must name it (pid {holder.Id}), got {locked.HolderProcessId}.");

                holder.Kill();
                var exit = await holder.WaitForExitAsync();
                Assert.True(exit == 137, $"repetition #{i}: the holder should have died by SIGKILL. {holder.Describe()}");
            }

            // The holder's death has been observed; the very next attempt must get the lock.
            if (i % 2 == 0)
            {
                using var manager = new CheckpointManager(LoopState.ProcessType, LoopState.RunName, RunCheck.Options(root));
                Assert.False(manager.IsReadOnly);
            }
            else
            {
                using var next = ChildProcess.StartChild("lock-try", root);
                var line = await next.ReadLineAsync();
                next.CloseInput();
                await next.WaitForExitAsync();
                Assert.True(line == $"WON pid={next.Id.ToString(CultureInfo.InvariantCulture)} host={Environment.MachineName}", $"repetition #{i}: the next process must acquire the lock of a killed holder. {next.Describe()}");
            }
        }

        output.WriteLine($"{repetitions} holders killed; the next writer acquired the run at its first attempt every time (in-process and as a new process alternately).");
    }

    private static async Task ExpectLine(ChildProcess child, string expected, int iteration)
    {
        var line = await child.ReadLineAsync();
        Assert.True(line == expected, $"#{iteration}: expected '{expected}', got '{line}'. {child.Describe()}");
    }

    private static string? Field(string line, string key)
    {
        foreach (var part in line.Split(' '))
        {
            if (part.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return part[(key.Length + 1)..];
            }
        }

        return null;
    }
}
