namespace PaperTrading;

/// <summary>
/// A moving-average crossover with position limits, one decision per ticker per tick: buy when the
/// 5-tick average crosses above the 20-tick one (at most 12% of the starting cash per position, at
/// most six positions, 1% of the starting cash kept in reserve), sell the whole position when it
/// crosses below or when the position is down 8% on its cost (a stop-loss). A pure function of the
/// portfolio and the feed, so a resumed run decides exactly as an uninterrupted one.
/// </summary>
internal static class Strategy
{
    public const decimal PositionLimit = 0.12m;
    public const int MaxOpenPositions = 6;
    public const decimal CashReserve = 0.01m;
    public const decimal StopLoss = 0.92m;

    public static Order? Decide(Portfolio portfolio, PriceFeed feed, long decision)
    {
        var tick = (int)(decision / feed.Count);
        var ticker = (int)(decision % feed.Count);
        if (tick < PriceFeed.SlowWindow)
        {
            return null;
        }

        var symbol = feed.Symbols[ticker];
        var fastNow = feed.MovingAverage(ticker, tick, PriceFeed.FastWindow);
        var slowNow = feed.MovingAverage(ticker, tick, PriceFeed.SlowWindow);
        var fastBefore = feed.MovingAverage(ticker, tick - 1, PriceFeed.FastWindow);
        var slowBefore = feed.MovingAverage(ticker, tick - 1, PriceFeed.SlowWindow);
        var mid = feed.Price(ticker, tick);
        var held = portfolio.Quantity(symbol);

        if (held > 0)
        {
            var crossedDown = fastBefore >= slowBefore && fastNow < slowNow;
            var stopped = mid * held < portfolio.CostBasis(symbol) * StopLoss;
            return crossedDown || stopped ? new Order(Order.IdFor(tick, symbol), decision, tick, symbol, OrderSide.Sell, held) : null;
        }

        var crossedUp = fastBefore <= slowBefore && fastNow > slowNow;
        if (!crossedUp || portfolio.OpenPositions >= MaxOpenPositions)
        {
            return null;
        }

        var budget = Math.Min(portfolio.StartCash * PositionLimit, portfolio.Cash - (portfolio.StartCash * CashReserve));
        var price = SimulatedBroker.WorstBuyPrice(mid);
        var quantity = budget > 0 ? (int)decimal.Floor(budget / price) : 0;
        while (quantity > 0 && (quantity * price) + SimulatedBroker.FeeFor(price, quantity) > budget)
        {
            quantity--;
        }

        return quantity > 0 ? new Order(Order.IdFor(tick, symbol), decision, tick, symbol, OrderSide.Buy, quantity) : null;
    }
}
