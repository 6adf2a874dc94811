namespace Checkpointing.Tests.Background;

/// <summary>A mutable state, to show a background save keeps what it captured.</summary>
internal sealed class BgState
{
    public long Step { get; set; }

    public List<int> Items { get; set; } = [];
}
