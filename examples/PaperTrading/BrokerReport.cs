namespace PaperTrading;

/// <summary>What the broker says about an order: filled at a price with a fee, or rejected with a reason.</summary>
internal sealed record BrokerReport(bool Filled, decimal Price, decimal Fee, string? RejectReason)
{
    public static BrokerReport Fill(decimal price, decimal fee) => new(true, price, fee, null);

    public static BrokerReport Reject(string reason) => new(false, 0m, 0m, reason);
}
