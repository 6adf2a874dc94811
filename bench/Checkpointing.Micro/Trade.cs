namespace Checkpointing.Micro;

/// <summary>One trade of <see cref="Portfolio"/> (as in bench/Checkpointing.Bench/Workloads/SmallWorkload.cs).</summary>
internal sealed record Trade(string Ticker, string Side, int Qty, double Price);
