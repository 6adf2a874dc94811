using System.Globalization;

namespace PaperTrading;

/// <summary>
/// The console: one line per trade and a status line (tick, equity, P&amp;L, trades) that redraws in
/// place on a terminal, or is printed every tenth of the run when the output is redirected.
/// </summary>
internal sealed class ConsoleView(PriceFeed feed, bool live)
{
    private int _statusWidth;

    public void Status(Portfolio p, int tick)
    {
        var every = Math.Max(1, feed.Ticks / 10);
        if (!live && tick % every != 0)
        {
            return;
        }

        var equity = p.Equity(symbol => feed.Price(feed.IndexOf(symbol), tick));
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"  tick {tick,6:N0}/{feed.Ticks:N0} {100.0 * tick / feed.Ticks,5:F1}%  equity {InvariantCheck.Money(equity),12}  P&L {InvariantCheck.Signed(equity - p.StartCash),10}" +
            $"  realised {InvariantCheck.Signed(p.RealisedPnl),10}  trades {p.Trades.Count,5:N0}  open {p.OpenPositions}");
        if (live)
        {
            Console.Write("\r" + line.PadRight(_statusWidth));
            _statusWidth = line.Length;
        }
        else
        {
            Console.WriteLine(line);
        }
    }

    public void Trade(Trade t)
    {
        var side = t.Side == OrderSide.Buy ? "BUY " : "SELL";
        var realised = t.Side == OrderSide.Sell ? $"  realised {InvariantCheck.Signed(t.Realised),9}" : string.Empty;
        Line(string.Create(
            CultureInfo.InvariantCulture,
            $"  #{t.Number,-5} tick {t.Tick,6}  {side} {t.Quantity,5} {t.Ticker} @ {t.Price,8:F2}  fee {t.Fee,6:F2}  cash {InvariantCheck.Money(t.CashAfter),12}{realised}"));
    }

    public void Rejected(Order order, string? reason) =>
        Line($"  ✗      {order.Id}  {order.Description}: rejected by the broker ({reason})");

    /// <summary>Prints a whole line, first clearing the status line on a terminal.</summary>
    public void Line(string text)
    {
        if (live && _statusWidth > 0)
        {
            Console.Write("\r" + new string(' ', _statusWidth) + "\r");
            _statusWidth = 0;
        }

        Console.WriteLine(text);
    }
}
