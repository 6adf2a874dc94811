namespace Checkpointing;

/// <summary>What <see cref="CheckpointManager.SaveInBackgroundAsync{T}"/> does when a background save is still being written.</summary>
public enum BackgroundSavePolicy
{
    /// <summary>Wait for the write in flight to finish, then capture and start this one (no save is lost; the caller may wait).</summary>
    Wait,

    /// <summary>Do not save this state; return at once with <see cref="BackgroundSaveOutcome.Skipped"/> (the caller never waits).</summary>
    Skip,

    /// <summary>
    /// Capture this state and write it as soon as the one in flight is done; a newer request replaces a
    /// waiting one, so only the newest waits (at most two snapshots in memory; the caller never waits for disk).
    /// </summary>
    Coalesce,
}
