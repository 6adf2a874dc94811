using System.Globalization;

namespace PaperTrading;

/// <summary>
/// A market order the strategy decided on at one decision point (a tick and a ticker). Its id is
/// derived from the decision point, so the same decision always has the same id (a client order id
/// a real broker would use to deduplicate). <see cref="Description"/> is what the journal's intent
/// record keeps, and <see cref="TryParse"/> reads it back to reconcile an order after a crash.
/// </summary>
internal sealed record Order(string Id, long Decision, int Tick, string Ticker, OrderSide Side, int Quantity)
{
    public static string IdFor(int tick, string ticker) => string.Create(CultureInfo.InvariantCulture, $"O{tick:D6}-{ticker}");

    /// <summary>E.g. <c>BUY 61 ACME at tick 143 (decision 1432)</c>.</summary>
    public string Description => string.Create(
        CultureInfo.InvariantCulture,
        $"{(Side == OrderSide.Buy ? "BUY" : "SELL")} {Quantity} {Ticker} at tick {Tick} (decision {Decision})");

    /// <summary>Reads an order back from its id and <see cref="Description"/>; false when the text is not one.</summary>
    public static bool TryParse(string id, string? description, out Order order)
    {
        order = null!;
        var parts = description?.Split(' ') ?? [];
        if (parts is not [var side, var quantity, var ticker, "at", "tick", var tick, "(decision", var decision] || !decision.EndsWith(')'))
        {
            return false;
        }

        var parsedSide = side switch { "BUY" => OrderSide.Buy, "SELL" => OrderSide.Sell, _ => (OrderSide)0 };
        if (parsedSide == 0
            || !int.TryParse(quantity, NumberStyles.None, CultureInfo.InvariantCulture, out var q) || q <= 0
            || !int.TryParse(tick, NumberStyles.None, CultureInfo.InvariantCulture, out var t)
            || !long.TryParse(decision.AsSpan(0, decision.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var d)
            || id != IdFor(t, ticker))
        {
            return false;
        }

        order = new Order(id, d, t, ticker, parsedSide, q);
        return true;
    }
}
