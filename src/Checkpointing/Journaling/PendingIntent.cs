namespace Checkpointing.Journaling;

/// <summary>An intent recorded before a side effect (an order sent, a file requested) whose completion was never recorded.</summary>
/// <param name="Id">The id given to <see cref="JournaledState{TState, TEvent}.RecordIntent"/>.</param>
/// <param name="Description">The description given with it, if any.</param>
/// <param name="RecordedAt">When it was recorded (UTC, from the options' TimeProvider).</param>
public sealed record PendingIntent(string Id, string? Description, DateTimeOffset RecordedAt);
