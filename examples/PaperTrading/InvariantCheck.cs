using System.Globalization;

namespace PaperTrading;

/// <summary>
/// The books must balance: cash plus the open lots at their fill prices equals the starting cash plus
/// the realised P&amp;L, exactly (decimal arithmetic, no tolerance). It also replays the trade history
/// from the starting cash and checks every trade's cash, the realised P&amp;L, the fees and the open
/// quantities against the portfolio, so a lost, doubled or reordered fill cannot go unnoticed.
/// </summary>
internal sealed record InvariantCheck(bool Holds, string Summary, IReadOnlyList<string> Problems)
{
    public static InvariantCheck Run(Portfolio p)
    {
        var problems = new List<string>();
        var holdings = p.HoldingsAtCost;
        var left = p.Cash + holdings;
        var right = p.StartCash + p.RealisedPnl;
        if (left != right)
        {
            problems.Add($"cash + holdings at cost = {Money(left)}, but start cash + realised P&L = {Money(right)}");
        }

        var cash = p.StartCash;
        var realised = 0m;
        var fees = 0m;
        var quantities = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in p.Trades)
        {
            var notional = t.Quantity * t.Price;
            cash += t.Side == OrderSide.Buy ? -notional - t.Fee : notional - t.Fee;
            realised += t.Realised;
            fees += t.Fee;
            quantities[t.Ticker] = quantities.GetValueOrDefault(t.Ticker) + (t.Side == OrderSide.Buy ? t.Quantity : -t.Quantity);
            if (cash != t.CashAfter || cash < 0)
            {
                problems.Add($"trade #{t.Number} ({t.OrderId}) leaves cash {Money(cash)} by the history, but recorded {Money(t.CashAfter)}");
                break;
            }
        }

        if (cash != p.Cash)
        {
            problems.Add($"the trade history gives cash {Money(cash)}, the portfolio has {Money(p.Cash)}");
        }

        if (realised != p.RealisedPnl || fees != p.FeesPaid)
        {
            problems.Add($"the trade history gives realised P&L {Money(realised)} and fees {Money(fees)}, the portfolio has {Money(p.RealisedPnl)} and {Money(p.FeesPaid)}");
        }

        foreach (var (ticker, quantity) in quantities)
        {
            if (quantity != p.Quantity(ticker))
            {
                problems.Add($"the trade history leaves {quantity} {ticker}, the portfolio holds {p.Quantity(ticker)}");
            }
        }

        var summary = $"cash {Money(p.Cash)} + holdings at cost {Money(holdings)} = {Money(left)}; " +
            $"start cash {Money(p.StartCash)} + realised P&L {Signed(p.RealisedPnl)} = {Money(right)}; {p.Trades.Count} trades re-added";
        return new InvariantCheck(problems.Count == 0, summary, problems);
    }

    public static string Money(decimal value) => value.ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string Signed(decimal value) => (value >= 0 ? "+" : "-") + Money(Math.Abs(value));
}
