using System.Text.Json.Serialization;
using Checkpointing.Serialization;

namespace Checkpointing.Bench.Workloads;

/// <summary>
/// bench.py's <c>small</c>: N saves, one after each simulated trade, of a portfolio of 20
/// positions, cash and the last 20 trades; keep the last 5. <c>small</c> serialises with a
/// source-generated <see cref="JsonSerializerContext"/> (the documented fast path);
/// <c>small-reflection</c> with the default reflection-based serializer.
/// </summary>
internal sealed partial class SmallWorkload(bool sourceGenerated = true) : IWorkload
{
    public string Name => sourceGenerated ? "small" : "small-reflection";

    public string Description => sourceGenerated
        ? "N durable saves of a small portfolio state (one per trade), KeepLastN 5; source-generated JSON"
        : "as small, with the default (reflection-based) JSON serializer";

    public void Run(WorkloadContext context)
    {
        var options = new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 5 };
        if (sourceGenerated)
        {
            options.Serializer = new JsonCheckpointSerializer(SmallJsonContext.Default);
        }

        using var manager = new CheckpointManager("trading", "paper", options);
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            positions[$"T{i}"] = 0;
        }

        var cash = 10_000.0;
        var trades = new List<Trade>();
        for (var i = 0L; i < context.N; i++)
        {
            var ticker = $"T{i % 20}";
            positions[ticker]++;
            cash -= 1.5;
            trades.Add(new Trade(ticker, "buy", 1, 1.5));
            if (trades.Count > 20)
            {
                trades.RemoveAt(0);
            }

            manager.Save(new Portfolio(positions, cash, trades), step: i + 1);
        }
    }

    internal sealed record Trade(string Ticker, string Side, int Qty, double Price);

    internal sealed record Portfolio(Dictionary<string, int> Positions, double Cash, List<Trade> Trades);

    [JsonSerializable(typeof(Portfolio))]
    internal sealed partial class SmallJsonContext : JsonSerializerContext;
}
