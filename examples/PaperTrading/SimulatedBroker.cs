namespace PaperTrading;

/// <summary>
/// A deterministic paper broker: a market order fills at the tick's price plus 5 basis points of
/// slippage against the trader, for a fee of 5 basis points of the notional (at least 1.00); about
/// one order in twenty is rejected for lack of liquidity, chosen by a hash of the seed and the order
/// id. Because the outcome depends only on the order, <see cref="Status"/> answers for an order sent
/// before a crash exactly what <see cref="Send"/> answered (or would have answered) then.
/// </summary>
internal sealed class SimulatedBroker(PriceFeed feed, ulong seed, int latencyMilliseconds)
{
    private const decimal SlippageRate = 0.0005m;
    private const decimal FeeRate = 0.0005m;
    private const decimal MinimumFee = 1.00m;

    /// <summary>Sends a market order and waits for the broker's answer (the simulated round trip).</summary>
    public BrokerReport Send(Order order)
    {
        if (latencyMilliseconds > 0)
        {
            Thread.Sleep(latencyMilliseconds);
        }

        return Status(order);
    }

    /// <summary>Asks the broker what became of an order sent earlier (by its id and terms).</summary>
    public BrokerReport Status(Order order)
    {
        if (Hash(seed, order.Id) % 20 == 7)
        {
            return BrokerReport.Reject("no liquidity at the touch");
        }

        var ticker = feed.IndexOf(order.Ticker);
        var mid = feed.Price(ticker, order.Tick);
        var slippage = PriceFeed.Cents(mid * SlippageRate);
        var price = order.Side == OrderSide.Buy ? mid + slippage : mid - slippage;
        return BrokerReport.Fill(price, FeeFor(price, order.Quantity));
    }

    /// <summary>The fee the broker charges for <paramref name="quantity"/> shares at about <paramref name="price"/>.</summary>
    public static decimal FeeFor(decimal price, int quantity) => Math.Max(MinimumFee, PriceFeed.Cents(price * quantity * FeeRate));

    /// <summary>The worst fill price a buy at <paramref name="mid"/> can get.</summary>
    public static decimal WorstBuyPrice(decimal mid) => mid + PriceFeed.Cents(mid * SlippageRate);

    private static ulong Hash(ulong seed, string id)
    {
        // FNV-1a over the seed and the id: stable across processes, unlike string.GetHashCode.
        var hash = 14695981039346656037UL;
        for (var shift = 0; shift < 64; shift += 8)
        {
            hash = (hash ^ ((seed >> shift) & 0xff)) * 1099511628211UL;
        }

        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
