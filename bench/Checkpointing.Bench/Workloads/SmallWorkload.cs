namespace Checkpointing.Bench.Workloads;

/// <summary>
/// bench.py's <c>small</c>: N saves, one after each simulated trade, of a portfolio of 20
/// positions, cash and the last 20 trades; keep the last 5.
/// </summary>
internal sealed class SmallWorkload : IWorkload
{
    public string Name => "small";

    public string Description => "N durable saves of a small portfolio state (one per trade), KeepLastN 5";

    public void Run(WorkloadContext context)
    {
        using var manager = new CheckpointManager("trading", "paper", new CheckpointOptions { RootDirectory = context.Directory, KeepLastN = 5 });
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

    private sealed record Trade(string Ticker, string Side, int Qty, double Price);

    private sealed record Portfolio(Dictionary<string, int> Positions, double Cash, List<Trade> Trades);
}
