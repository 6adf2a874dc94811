namespace Checkpointing.Micro;

/// <summary>The small portfolio state of bench/Checkpointing.Bench/Workloads/SmallWorkload.cs: 20 positions, cash, the last 20 trades.</summary>
internal sealed record Portfolio(Dictionary<string, int> Positions, double Cash, List<Trade> Trades)
{
    /// <summary>The state SmallWorkload saves after <paramref name="tradeCount"/> trades.</summary>
    public static Portfolio AfterTrades(int tradeCount = 100)
    {
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 20; i++)
        {
            positions[$"T{i}"] = 0;
        }

        var cash = 10_000.0;
        var trades = new List<Trade>();
        for (var i = 0; i < tradeCount; i++)
        {
            var ticker = $"T{i % 20}";
            positions[ticker]++;
            cash -= 1.5;
            trades.Add(new Trade(ticker, "buy", 1, 1.5));
            if (trades.Count > 20)
            {
                trades.RemoveAt(0);
            }
        }

        return new Portfolio(positions, cash, trades);
    }
}
