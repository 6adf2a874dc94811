namespace PaperTrading;

/// <summary>Shares bought in one fill and not yet sold, at their fill price (sold first-in, first-out).</summary>
internal sealed record Lot(int Quantity, decimal Price);
