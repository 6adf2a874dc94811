namespace PaperTrading;

/// <summary>
/// One journaled event of the portfolio. A single flat record (no polymorphic JSON): <see cref="Kind"/>
/// says which fields matter. <see cref="Decision"/> is the feed position the event completes
/// (decision point d is ticker d % tickers at tick d / tickers); <see cref="Tick"/> is that tick.
/// </summary>
internal sealed record TradeEvent(
    TradeEventKind Kind,
    long Decision,
    int Tick = 0,
    string? OrderId = null,
    string? Ticker = null,
    OrderSide Side = default,
    int Quantity = 0,
    decimal Price = 0m,
    decimal Fee = 0m,
    string? Reason = null,
    ulong Seed = 0,
    int Ticks = 0,
    decimal StartCash = 0m)
{
    public static TradeEvent Started(ulong seed, int ticks, decimal startCash) => new(TradeEventKind.Started, 0, Seed: seed, Ticks: ticks, StartCash: startCash);

    public static TradeEvent FromReport(Order order, BrokerReport report) => report.Filled
        ? new(TradeEventKind.Filled, order.Decision, order.Tick, order.Id, order.Ticker, order.Side, order.Quantity, report.Price, report.Fee)
        : new(TradeEventKind.Rejected, order.Decision, order.Tick, order.Id, order.Ticker, order.Side, order.Quantity, Reason: report.RejectReason);

    public static TradeEvent Position(long decision) => new(TradeEventKind.FeedPosition, decision);
}
