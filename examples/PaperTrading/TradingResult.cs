namespace PaperTrading;

/// <summary>
/// What <c>--results</c> writes: the final positions, cash, realised P&amp;L, fees and every trade.
/// No clock times and no run-specific paths, so the file is byte-for-byte the same for a seed
/// however often the run was interrupted.
/// </summary>
internal sealed record TradingResult(
    ulong Seed,
    int Ticks,
    IReadOnlyList<string> Tickers,
    decimal StartCash,
    decimal Cash,
    decimal RealisedPnl,
    decimal FeesPaid,
    decimal HoldingsAtCost,
    decimal MarketValue,
    decimal Equity,
    IReadOnlyList<PositionResult> Positions,
    IReadOnlyList<Trade> Trades,
    IReadOnlyList<string> RejectedOrders)
{
    public static TradingResult From(Portfolio p, PriceFeed feed)
    {
        var last = feed.Ticks - 1;
        var positions = p.Lots.Keys
            .Select(ticker =>
            {
                var quantity = p.Quantity(ticker);
                var price = feed.Price(feed.IndexOf(ticker), last);
                return new PositionResult(ticker, quantity, p.CostBasis(ticker), price, quantity * price);
            })
            .ToList();
        var marketValue = positions.Sum(x => x.MarketValue);
        return new TradingResult(
            p.Seed, p.Ticks, feed.Symbols, p.StartCash, p.Cash, p.RealisedPnl, p.FeesPaid, p.HoldingsAtCost,
            marketValue, p.Cash + marketValue, positions, p.Trades, p.RejectedOrders);
    }
}
