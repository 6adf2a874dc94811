using Checkpointing.Journaling;
using Checkpointing.Tests.Corruption;
using Checkpointing.Tests.Crash;

namespace Checkpointing.Tests.Journaling;

/// <summary>
/// Snapshot + replay equals the plain fold of the events: random sessions of appends, intents, snapshots, clean restarts
/// and power cuts (modelled by <see cref="SimulatedFileSystem"/>) with random snapshot intervals, retention and segment
/// sizes. After every restart the state is exactly the events acknowledged so far, plus at most the one in flight.
/// </summary>
public sealed class SnapshotReplayPropertyTests
{
    private const int Runs = 40;
    private const int OperationsPerRun = 70;

    [Fact]
    public void Restart_AfterAnyMixOfSnapshotsAndPowerCuts_StateEqualsTheFoldOfAcknowledgedEvents()
    {
        var seed = TestSeed.Next();
        var powerCuts = 0;
        for (var run = 0; run < Runs; run++)
        {
            powerCuts += Run(seed + run);
        }

        Assert.True(powerCuts > Runs, $"only {powerCuts} power cuts hit a session; {TestSeed.Describe(seed)}");
    }

    /// <summary>One random history; returns how many power cuts it had.</summary>
    private static int Run(int seed)
    {
        var rng = new Random(seed);
        var snapshotEvery = rng.Next(1, 12);
        var keepLastN = rng.Next(1, 5);
        var options = new JournaledStateOptions { SnapshotEvery = snapshotEvery, Journal = new JournalOptions { SegmentBytes = 4096 } };
        var disk = JournalTestKit.NewSimulatedDisk();
        var model = new List<long>();
        var intents = new List<string>();
        var (manager, ledger) = Open(disk, keepLastN, options);
        var cuts = 0;
        for (var op = 0; op < OperationsPerRun; op++)
        {
            var context = $"run seed {seed} (SnapshotEvery {snapshotEvery}, KeepLastN {keepLastN}), operation {op}; rerun with {TestSeed.Variable}={seed}";
            var r = rng.Next(100);
            if (r < 60)
            {
                var amount = rng.NextInt64(-10_000, 10_000);
                ledger.Append(amount);
                model.Add(amount);
            }
            else if (r < 66)
            {
                var id = $"order-{op}";
                ledger.RecordIntent(id);
                intents.Add(id);
            }
            else if (r < 72 && intents.Count > 0)
            {
                var id = intents[rng.Next(intents.Count)];
                ledger.CompleteIntent(id);
                intents.Remove(id);
            }
            else if (r < 78)
            {
                var snapshot = ledger.Snapshot();
                Assert.Equal(model.Count, snapshot.Step);
            }
            else if (r < 88)
            {
                ledger.Dispose();
                manager.Dispose();
                (manager, ledger) = Open(disk, keepLastN, options);
                AssertState(model, intents, ledger, "after a clean restart; " + context);
            }
            else
            {
                cuts++;
                disk.CrashAfter(disk.OperationCount + rng.Next(1, 40));
                long? inFlight = null;
                try
                {
                    while (true)
                    {
                        var amount = rng.NextInt64(-10_000, 10_000);
                        inFlight = amount;
                        ledger.Append(amount);
                        model.Add(amount);
                        inFlight = null;
                    }
                }
                catch (SimulatedCrashException)
                {
                }

                var outcome = rng.Next(2) == 0 ? CrashOutcome.Random(rng.Next()) : CrashOutcome.Extremes[rng.Next(CrashOutcome.Extremes.Count)];
                disk = disk.CrashImage(outcome);
                (manager, ledger) = Open(disk, keepLastN, options);
                var recovered = ledger.State.Items;
                var cutContext = $"after a power cut ({outcome}); {context}";
                if (inFlight is long pending && recovered.Count == model.Count + 1)
                {
                    Assert.True(recovered[^1] == pending, $"an event that was never appended was recovered; {cutContext}");
                    model.Add(pending);
                }

                AssertState(model, intents, ledger, cutContext);
            }
        }

        ledger.Dispose();
        manager.Dispose();
        return cuts;
    }

    private static void AssertState(List<long> model, List<string> intents, JournaledState<LedgerState, long> ledger, string context)
    {
        Assert.True(model.SequenceEqual(ledger.State.Items), $"the state has {ledger.State.Items.Count} events, the acknowledged ones are {model.Count}, or they differ; {context}");
        Assert.True(model.Sum() == ledger.State.Sum, $"the sum differs; {context}");
        Assert.True(model.Count == ledger.EventCount, $"EventCount is {ledger.EventCount}, expected {model.Count}; {context}");
        Assert.True(intents.SequenceEqual(ledger.PendingIntents.Select(i => i.Id)), $"pending intents differ: [{string.Join(", ", ledger.PendingIntents.Select(i => i.Id))}] vs [{string.Join(", ", intents)}]; {context}");
    }

    private static (CheckpointManager Manager, JournaledState<LedgerState, long> Ledger) Open(SimulatedFileSystem disk, int keepLastN, JournaledStateOptions options)
    {
        var manager = JournalTestKit.Simulated(disk, o => o.KeepLastN = keepLastN);
        return (manager, Ledger.Open(manager, options));
    }
}
