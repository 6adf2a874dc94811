namespace Checkpointing;

/// <summary>
/// A save a manager completed, and how long it took: from the start of its file work (the start of the
/// <c>checkpointing.save.duration</c> measurement, after the state was serialised) until the save returned, so
/// including fsync, rename, directory fsync and retention. Measured with <see cref="CheckpointOptions.TimeProvider"/>.
/// </summary>
/// <param name="CheckpointId">The checkpoint that save wrote (it may since have been deleted by retention).</param>
/// <param name="Step">The step that save was made at.</param>
/// <param name="Duration">How long it took until it was durable and retention had run.</param>
public sealed record CompletedSave(string CheckpointId, long Step, TimeSpan Duration);
