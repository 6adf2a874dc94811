namespace PaperTrading;

/// <summary>
/// The journaled state: the run's settings, cash, open lots per ticker, the trade history, realised
/// P&amp;L and fees, and the feed position (the next decision point). <see cref="Apply"/> is the only
/// code that changes it, for live events and for replayed ones alike, so a recovered portfolio is
/// the uninterrupted one. Money is <see cref="decimal"/> with two decimals throughout, so the
/// invariant check can compare exactly.
/// </summary>
internal sealed class Portfolio
{
    public bool Started { get; set; }

    public ulong Seed { get; set; }

    public int Ticks { get; set; }

    public decimal StartCash { get; set; }

    public decimal Cash { get; set; }

    public decimal RealisedPnl { get; set; }

    public decimal FeesPaid { get; set; }

    /// <summary>The next decision point to run: every one before it is done (decision d is ticker d % tickers at tick d / tickers).</summary>
    public long NextDecision { get; set; }

    /// <summary>Events applied, including those folded into the snapshot this state was loaded from.</summary>
    public long Events { get; set; }

    public SortedDictionary<string, List<Lot>> Lots { get; set; } = new(StringComparer.Ordinal);

    public List<Trade> Trades { get; set; } = [];

    public List<string> RejectedOrders { get; set; } = [];

    public int OpenPositions => Lots.Count;

    public decimal HoldingsAtCost => Lots.Values.Sum(lots => lots.Sum(l => l.Quantity * l.Price));

    public int Quantity(string ticker) => Lots.TryGetValue(ticker, out var lots) ? lots.Sum(l => l.Quantity) : 0;

    public decimal CostBasis(string ticker) => Lots.TryGetValue(ticker, out var lots) ? lots.Sum(l => l.Quantity * l.Price) : 0m;

    /// <summary>Cash plus every open position at <paramref name="price"/>'s current price.</summary>
    public decimal Equity(Func<string, decimal> price) => Cash + Lots.Sum(p => p.Value.Sum(l => l.Quantity) * price(p.Key));

    /// <summary>True when the order's outcome is already in the portfolio (its fill or its rejection).</summary>
    public bool HasOutcome(string orderId, out Trade? trade)
    {
        trade = Trades.FindLast(t => t.OrderId == orderId);
        return trade is not null || RejectedOrders.Contains(orderId);
    }

    /// <summary>Applies one event; the apply function given to JournaledState. Throws on an event that cannot follow this state.</summary>
    public static Portfolio Apply(Portfolio portfolio, TradeEvent e)
    {
        if (e.Kind != TradeEventKind.Started && !portfolio.Started)
        {
            throw new InvalidOperationException($"Event {e.Kind} before the run's Started event.");
        }

        if (e.Kind is TradeEventKind.Filled or TradeEventKind.Rejected && e.Decision < portfolio.NextDecision)
        {
            throw new InvalidOperationException($"Order {e.OrderId} is for decision {e.Decision}, but decisions up to {portfolio.NextDecision - 1} are done.");
        }

        switch (e.Kind)
        {
            case TradeEventKind.Started:
                portfolio.Started = true;
                portfolio.Seed = e.Seed;
                portfolio.Ticks = e.Ticks;
                portfolio.StartCash = e.StartCash;
                portfolio.Cash = e.StartCash;
                break;
            case TradeEventKind.Filled when e.Side == OrderSide.Buy:
                Buy(portfolio, e);
                portfolio.NextDecision = e.Decision + 1;
                break;
            case TradeEventKind.Filled:
                Sell(portfolio, e);
                portfolio.NextDecision = e.Decision + 1;
                break;
            case TradeEventKind.Rejected:
                portfolio.RejectedOrders.Add(e.OrderId!);
                portfolio.NextDecision = e.Decision + 1;
                break;
            case TradeEventKind.FeedPosition:
                portfolio.NextDecision = Math.Max(portfolio.NextDecision, e.Decision);
                break;
            default:
                throw new InvalidOperationException($"Unknown event kind {(int)e.Kind}.");
        }

        portfolio.Events++;
        return portfolio;
    }

    private static void Buy(Portfolio portfolio, TradeEvent e)
    {
        var cost = (e.Quantity * e.Price) + e.Fee;
        if (cost > portfolio.Cash)
        {
            throw new InvalidOperationException($"Fill of {e.OrderId} costs {cost} but only {portfolio.Cash} cash is left.");
        }

        portfolio.Cash -= cost;
        if (!portfolio.Lots.TryGetValue(e.Ticker!, out var lots))
        {
            portfolio.Lots[e.Ticker!] = lots = [];
        }

        lots.Add(new Lot(e.Quantity, e.Price));
        Record(portfolio, e, realised: -e.Fee);
    }

    private static void Sell(Portfolio portfolio, TradeEvent e)
    {
        if (!portfolio.Lots.TryGetValue(e.Ticker!, out var lots) || lots.Sum(l => l.Quantity) < e.Quantity)
        {
            throw new InvalidOperationException($"Fill of {e.OrderId} sells {e.Quantity} {e.Ticker}, more than the {portfolio.Quantity(e.Ticker!)} held.");
        }

        var remaining = e.Quantity;
        var cost = 0m;
        while (remaining > 0)
        {
            var lot = lots[0];
            var taken = Math.Min(remaining, lot.Quantity);
            cost += taken * lot.Price;
            remaining -= taken;
            if (taken == lot.Quantity)
            {
                lots.RemoveAt(0);
            }
            else
            {
                lots[0] = lot with { Quantity = lot.Quantity - taken };
            }
        }

        if (lots.Count == 0)
        {
            portfolio.Lots.Remove(e.Ticker!);
        }

        var proceeds = e.Quantity * e.Price;
        portfolio.Cash += proceeds - e.Fee;
        Record(portfolio, e, realised: proceeds - cost - e.Fee);
    }

    private static void Record(Portfolio portfolio, TradeEvent e, decimal realised)
    {
        portfolio.RealisedPnl += realised;
        portfolio.FeesPaid += e.Fee;
        portfolio.Trades.Add(new Trade(portfolio.Trades.Count + 1, e.Tick, e.OrderId!, e.Ticker!, e.Side, e.Quantity, e.Price, e.Fee, realised, portfolio.Cash));
    }
}
