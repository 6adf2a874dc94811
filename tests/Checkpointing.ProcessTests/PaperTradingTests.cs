using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Checkpointing.ProcessTests;

/// <summary>
/// The PaperTrading example as a real process: killed with SIGKILL at random moments (right after a
/// durable fill, right after an order was sent, at random delays, during start-up and recovery) and
/// restarted with <c>--yes</c> until it finishes, every restart recovers exactly the portfolio after
/// the last acknowledged fill (or one more, when the kill fell between a fill becoming durable and its
/// ACK line), the books balance, an order sent but not confirmed is reconciled, and the final
/// <c>--results</c> equal an uninterrupted run's byte for byte. SIGTERM exits 143 with a snapshot
/// that the next start resumes from without replaying anything.
/// </summary>
public sealed class PaperTradingTests(ITestOutputHelper output)
{
    private const int Ticks = 450;
    private const int SnapshotEvery = 40;
    private const int Kills = 100;
    private const string StartCash = "100000.00";

    private static readonly int Seed = TestSettings.Seed();
    private static readonly Lazy<Task<ReferenceRun>> Reference = new(RunReference);

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "PaperTrading.dll");

    [Fact]
    public async Task KillNine_AtRandomMoments_RecoversLastAcknowledgedFillAndEndsWithTheUninterruptedResults()
    {
        var kills = TestSettings.Scale(Kills);
        output.WriteLine($"seed {Seed} (set CKPT_TEST_SEED={Seed} to replay), {Ticks} ticks, up to {kills} kills");
        var reference = await Reference.Value;
        var rng = new Random(Seed);
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        var resultsFile = Path.Combine(temp.Path, "results.json");

        var lastAck = 0;
        int killed = 0, inFlightFills = 0, reconciledFills = 0, reconciledRejections = 0, alreadyJournaled = 0, maxReplayed = 0;
        for (var session = 1; ; session++)
        {
            var context = $"seed {Seed}, session {session}, {killed} kills so far, last ACK {lastAck}";
            Assert.True(session <= kills + 20, $"{context}: the run is not finishing.");
            using var child = Start(root, tickMs: 1, "--yes", "--results", resultsFile, "--broker-ms", "2");

            // A kill lands after 0 to spread - 1 new fills, plus about one more: the reconciled order of a kill after SENT and
            // what the child does while the parent reads its output. Spread so that the kills cover most of the run.
            var perKill = killed < kills ? (double)(reference.Fills.Count - lastAck) / (kills - killed) : 0;
            var spread = Math.Max(1, (int)((2 * perKill) - 2));
            var killedNow = killed < kills && await KillAtRandomMoment(child, rng, spread);
            var exit = await child.WaitForExitAsync();
            var lines = child.Lines;

            var recovered = lines.FirstOrDefault(l => l.StartsWith("RECOVERED ", StringComparison.Ordinal));
            if (recovered is not null)
            {
                var fields = Fields(recovered);
                var trades = int.Parse(fields["trades"], CultureInfo.InvariantCulture);
                Assert.True(trades == lastAck || trades == lastAck + 1, $"{context}: recovered {trades} trades; {lastAck} were acknowledged, and at most one more can have become durable unacknowledged. {child.Describe()}");
                Assert.True(fields["cash"] == reference.CashAfter(trades), $"{context}: recovered cash {fields["cash"]} after {trades} trades; the uninterrupted run had {reference.CashAfter(trades)}. {child.Describe()}");
                CheckInvariantBeforeTrading(child, lines, context);
                var replayed = int.Parse(fields["replayed"], CultureInfo.InvariantCulture);
                Assert.True(replayed <= 2 * SnapshotEvery, $"{context}: {replayed} events replayed; snapshots every {SnapshotEvery} events should keep it below {2 * SnapshotEvery}. {child.Describe()}");
                maxReplayed = Math.Max(maxReplayed, replayed);
                inFlightFills += trades - lastAck;
                CheckPending(child, lines, trades, reference, context);
                lastAck = trades;
            }

            foreach (var ack in lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)))
            {
                var parts = ack.Split(' ');
                var number = int.Parse(parts[1], CultureInfo.InvariantCulture);
                Assert.True(number == lastAck + 1, $"{context}: '{ack}' after fill {lastAck}; fills must be acknowledged in order, none lost or doubled. {child.Describe()}");
                Assert.True(ack == reference.Fills[number - 1], $"{context}: '{ack}' differs from the uninterrupted run's '{reference.Fills[number - 1]}'. {child.Describe()}");
                lastAck = number;
            }

            reconciledFills += lines.Count(l => l.StartsWith("RECONCILED ", StringComparison.Ordinal) && l.EndsWith(" filled", StringComparison.Ordinal));
            reconciledRejections += lines.Count(l => l.StartsWith("RECONCILED ", StringComparison.Ordinal) && l.EndsWith(" rejected", StringComparison.Ordinal));
            alreadyJournaled += lines.Count(l => l.StartsWith("RECONCILED ", StringComparison.Ordinal) && l.EndsWith(" already-journaled", StringComparison.Ordinal));
            if (exit == 0)
            {
                // Also when a kill arrived just too late, after the last fill.
                Assert.True(lastAck == reference.Fills.Count, $"{context}: finished after {lastAck} fills; the uninterrupted run made {reference.Fills.Count}. {child.Describe()}");
                break;
            }

            Assert.True(killedNow && exit == 137, $"{context}: the child should have died by SIGKILL (exit 137) or finished. {child.Describe()}");
            killed++;
        }

        output.WriteLine($"{killed} kills over {reference.Fills.Count} fills: {inFlightFills} restarts found a fill durable but unacknowledged; " +
            $"pending orders reconciled: {reconciledFills} filled, {reconciledRejections} rejected, {alreadyJournaled} already journaled; at most {maxReplayed} events replayed on a start");
        Assert.True(File.ReadAllBytes(resultsFile).AsSpan().SequenceEqual(reference.Results), $"seed {Seed}: the results after {killed} kills differ from the uninterrupted run's.");
        Assert.True(killed >= kills / 2, $"seed {Seed}: the run finished after only {killed} kills, so it was not tested as intended.");
        Assert.True(reconciledFills + reconciledRejections > 0, $"seed {Seed}: no kill left an order sent but unconfirmed, so reconciliation went untested.");
    }

    [Fact]
    public async Task SigTerm_WhileTrading_Exits143WithASnapshotAndResumesAtTheSameFeedPosition()
    {
        output.WriteLine($"seed {Seed} (set CKPT_TEST_SEED={Seed} to replay)");
        var reference = await Reference.Value;
        var context = $"SIGTERM, seed {Seed}";
        using var temp = new TempRoot();
        var root = temp.NewRoot("run");
        var resultsFile = Path.Combine(temp.Path, "results.json");

        int acknowledged;
        string stoppedAt;
        using (var child = Start(root, tickMs: 2))
        {
            var target = 1 + new Random(Seed).Next(Math.Max(1, reference.Fills.Count / 2));
            await ReadAcks(child, target, context);
            SendSignal(child.Id, "TERM");
            var exit = await child.WaitForExitAsync();
            Assert.True(exit == 143, $"{context}: expected exit 143. {child.Describe()}");
            Assert.Contains("Interrupt received (SIGTERM)", child.Stderr, StringComparison.Ordinal);
            acknowledged = child.Lines.Count(l => l.StartsWith("ACK ", StringComparison.Ordinal));
            stoppedAt = child.Lines.Single(l => l.StartsWith("STOPPED ", StringComparison.Ordinal))["STOPPED ".Length..];
        }

        using (var child = Start(root, tickMs: 0, "--yes", "--results", resultsFile))
        {
            var exit = await child.WaitForExitAsync();
            Assert.True(exit == 0, $"{context}: the resumed run should finish. {child.Describe()}");
            var fields = Fields(child.Lines.Single(l => l.StartsWith("RECOVERED ", StringComparison.Ordinal)));
            Assert.Equal(acknowledged.ToString(CultureInfo.InvariantCulture), fields["trades"]);
            Assert.Equal(reference.CashAfter(acknowledged), fields["cash"]);
            Assert.Equal(stoppedAt, "decision=" + fields["decision"]);
            Assert.Equal("0", fields["replayed"]);
            Assert.Equal("0", fields["pending"]);
            Assert.Contains("INVARIANT ok", child.Lines);
            Assert.Equal(reference.Fills.Skip(acknowledged), child.Lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)));
        }

        Assert.True(File.ReadAllBytes(resultsFile).AsSpan().SequenceEqual(reference.Results), $"{context}: the resumed run's results differ from the uninterrupted run's.");
    }

    private static async Task<ReferenceRun> RunReference()
    {
        using var temp = new TempRoot();
        var resultsFile = Path.Combine(temp.Path, "results.json");
        using var child = Start(temp.NewRoot("reference"), tickMs: 0, "--results", resultsFile);
        var exit = await child.WaitForExitAsync();
        Assert.True(exit == 0, $"seed {Seed}: the uninterrupted reference run failed. {child.Describe()}");
        var fills = child.Lines.Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)).ToList();
        var rejected = child.Lines.Where(l => l.StartsWith("REJECTED ", StringComparison.Ordinal)).Select(l => l["REJECTED ".Length..]).ToHashSet(StringComparer.Ordinal);
        Assert.True(fills.Count >= 50, $"seed {Seed}: the reference run made only {fills.Count} fills; too few to test recovery. {child.Describe()}");
        return new ReferenceRun(fills, rejected, File.ReadAllBytes(resultsFile));
    }

    private static ChildProcess Start(string root, int tickMs, params string[] extra) => ChildProcess.Start(ChildHost.Dotnet,
    [
        Dll, "--checkpoint-dir", root, "--seed", Seed.ToString(CultureInfo.InvariantCulture), "--ticks", Ticks.ToString(CultureInfo.InvariantCulture),
        "--tick-ms", tickMs.ToString(CultureInfo.InvariantCulture), "--snapshot-every", SnapshotEvery.ToString(CultureInfo.InvariantCulture), "--ack", .. extra,
    ]);

    /// <summary>Kills the child at a random moment; false when it finished first.</summary>
    private static async Task<bool> KillAtRandomMoment(ChildProcess child, Random rng, int spread)
    {
        var mode = rng.Next(100);
        if (mode < 15)
        {
            // Any moment from process start: runtime start-up, recovery, reconciliation, a snapshot.
            await Task.Delay(rng.Next(0, 300));
        }
        else
        {
            if (!await SkipLines(child, "ACK ", rng.Next(0, spread)))
            {
                return false;
            }

            if (mode < 50)
            {
                // Right after an order's intent became durable: the broker is answering it.
                if (!await SkipLines(child, "SENT ", 1))
                {
                    return false;
                }
            }
            else if (mode < 70)
            {
                await Task.Delay(rng.Next(0, 6));
            }
        }

        if (child.HasExited)
        {
            return false;
        }

        child.Kill();
        return true;
    }

    /// <summary>Reads until <paramref name="count"/> lines starting with <paramref name="prefix"/>; false when the output ended first.</summary>
    private static async Task<bool> SkipLines(ChildProcess child, string prefix, int count)
    {
        for (var seen = 0; seen < count;)
        {
            var line = await child.ReadLineAsync();
            if (line is null)
            {
                return false;
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                seen++;
            }
        }

        return true;
    }

    /// <summary>The invariant check runs before anything is sent or reconciled, and passes (the child may have been killed before printing it).</summary>
    private static void CheckInvariantBeforeTrading(ChildProcess child, IReadOnlyList<string> lines, string context)
    {
        Assert.True(!lines.Contains("INVARIANT failed"), $"{context}: the invariant check failed. {child.Describe()}");
        var passed = IndexWhere(lines, l => l == "INVARIANT ok");
        var firstAction = IndexWhere(lines, l => l.StartsWith("SENT ", StringComparison.Ordinal) || l.StartsWith("PENDING ", StringComparison.Ordinal) || l.StartsWith("ACK ", StringComparison.Ordinal));
        Assert.True(firstAction < 0 || (passed >= 0 && passed < firstAction), $"{context}: the child traded before its invariant check passed. {child.Describe()}");
    }

    /// <summary>An order pending after a restart must be the next fill, a rejected order, or the fill just recovered.</summary>
    private static void CheckPending(ChildProcess child, IReadOnlyList<string> lines, int trades, ReferenceRun reference, string context)
    {
        Assert.True(!lines.Any(l => l.StartsWith("RECONCILED ", StringComparison.Ordinal) && l.EndsWith(" cancelled", StringComparison.Ordinal)), $"{context}: a pending order could not be matched to its decision. {child.Describe()}");
        foreach (var pending in lines.Where(l => l.StartsWith("PENDING ", StringComparison.Ordinal)).Select(l => l["PENDING ".Length..]))
        {
            var known = (trades < reference.Fills.Count && reference.OrderOf(trades + 1) == pending)
                || (trades > 0 && reference.OrderOf(trades) == pending)
                || reference.Rejected.Contains(pending);
            Assert.True(known, $"{context}: order {pending} was pending, but it is neither the next fill, the last one, nor a rejected order. {child.Describe()}");
        }
    }

    private static async Task ReadAcks(ChildProcess child, int count, string context)
    {
        var acks = 0;
        while (acks < count)
        {
            var line = await child.ReadLineAsync();
            Assert.True(line is not null, $"{context}: the child ended before {count} fills. {child.Describe()}");
            if (line.StartsWith("ACK ", StringComparison.Ordinal))
            {
                acks++;
            }
        }
    }

    private static int IndexWhere(IReadOnlyList<string> lines, Func<string, bool> predicate)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            if (predicate(lines[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static Dictionary<string, string> Fields(string line) => line
        .Split(' ')
        .Skip(1)
        .Select(part => part.Split('=', 2))
        .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);

    /// <summary>Sends a real signal with the system's <c>kill</c> command.</summary>
    private static void SendSignal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {pid} failed with exit {kill.ExitCode}");
    }

    /// <summary>The uninterrupted run: its ACK lines (<c>ACK n orderId cash=…</c>), rejected orders and results file.</summary>
    private sealed record ReferenceRun(IReadOnlyList<string> Fills, IReadOnlySet<string> Rejected, byte[] Results)
    {
        public string OrderOf(int fill) => Fills[fill - 1].Split(' ')[2];

        public string CashAfter(int fill) => fill == 0 ? StartCash : Fills[fill - 1].Split(' ')[3]["cash=".Length..];
    }
}
