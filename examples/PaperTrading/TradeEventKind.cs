namespace PaperTrading;

/// <summary>What a journaled <see cref="TradeEvent"/> records.</summary>
internal enum TradeEventKind
{
    /// <summary>The run's settings (seed, ticks, starting cash): always the first event.</summary>
    Started = 1,

    /// <summary>An order was filled: it moves cash and positions.</summary>
    Filled = 2,

    /// <summary>An order was rejected by the broker: nothing moves, the decision is done.</summary>
    Rejected = 3,

    /// <summary>The feed position reached <see cref="TradeEvent.Decision"/> without an order (written on stop and at the end).</summary>
    FeedPosition = 4,
}
