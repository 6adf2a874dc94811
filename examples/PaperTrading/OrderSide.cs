namespace PaperTrading;

/// <summary>Buy or sell.</summary>
internal enum OrderSide
{
    Buy = 1,
    Sell = 2,
}
