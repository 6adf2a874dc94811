namespace PaperTrading;

/// <summary>
/// One fill in the trade history. <see cref="Realised"/> is the P&amp;L the fill realised (the fee of a
/// buy; proceeds minus the cost of the lots sold minus the fee of a sell); <see cref="CashAfter"/> is
/// the cash once it settled.
/// </summary>
internal sealed record Trade(
    int Number,
    int Tick,
    string OrderId,
    string Ticker,
    OrderSide Side,
    int Quantity,
    decimal Price,
    decimal Fee,
    decimal Realised,
    decimal CashAfter);
