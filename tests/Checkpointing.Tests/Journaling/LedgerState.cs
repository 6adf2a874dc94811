namespace Checkpointing.Tests.Journaling;

/// <summary>The state of <see cref="Ledger"/>.</summary>
public sealed class LedgerState
{
    public long Sum { get; set; }

    public List<long> Items { get; set; } = [];
}
