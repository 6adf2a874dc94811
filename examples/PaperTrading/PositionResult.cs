namespace PaperTrading;

/// <summary>An open position in the results: quantity, cost of its lots, and its value at the last price.</summary>
internal sealed record PositionResult(string Ticker, int Quantity, decimal CostBasis, decimal LastPrice, decimal MarketValue);
