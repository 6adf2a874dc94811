using Checkpointing.Examples;

namespace PaperTrading;

/// <summary>The example contract's options, plus the trading ones (<c>--ticks</c>, <c>--tick-ms</c>, <c>--broker-ms</c>, <c>--snapshot-every</c>, <c>--ack</c>).</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/PaperTrading -- [options]

          --checkpoint-dir DIR   where the journal and snapshots go (default: checkpoints)
          --seed N               seed of the price feed and the broker; the result is the same for
                                 the same seed, however often the run is interrupted (default: 42)
          --ticks N              price ticks to trade over (default: 3000)
          --tick-ms N            pause per tick in milliseconds, to watch and press Ctrl+C (default: 2)
          --broker-ms N          simulated broker round trip per order, in milliseconds (default: 0)
          --snapshot-every N     snapshot the portfolio every N journaled events (default: 250)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this run's journal and snapshots and start over
          --results FILE         write the final positions, cash, P&L and trades as JSON
          --ack                  print machine-readable lines (RECOVERED, INVARIANT, SENT, ACK, ...) for tests
          --help, -h             show this help
        """;

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public ulong Seed { get; init; } = 42;

    public bool SeedGiven { get; init; }

    public int Ticks { get; init; } = 3000;

    public bool TicksGiven { get; init; }

    public int TickMilliseconds { get; init; } = 2;

    public int BrokerMilliseconds { get; init; }

    public int SnapshotEvery { get; init; } = 250;

    public bool Yes { get; init; }

    public bool Fresh { get; init; }

    public string? ResultsFile { get; init; }

    public bool Ack { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error) =>
        ArgumentReader.Parse(args, new CommandLine(), static (result, r) => r.Current switch
        {
            "--checkpoint-dir" => result with { CheckpointDirectory = r.Value() },
            "--seed" => result with { Seed = r.ULong(), SeedGiven = true },
            "--ticks" => result with { Ticks = AtLeast(r.Int(), PriceFeed.SlowWindow + 1, r.Current), TicksGiven = true },
            "--tick-ms" => result with { TickMilliseconds = r.Int() },
            "--broker-ms" => result with { BrokerMilliseconds = r.Int() },
            "--snapshot-every" => result with { SnapshotEvery = AtLeast(r.Int(), 1, r.Current) },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--ack" => result with { Ack = true },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static int AtLeast(int value, int minimum, string name) =>
        value >= minimum ? value : throw new FormatException($"{name} must be at least {minimum}.");
}
