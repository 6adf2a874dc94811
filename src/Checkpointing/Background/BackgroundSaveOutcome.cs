namespace Checkpointing;

/// <summary>What happened to a request to save in the background.</summary>
public enum BackgroundSaveOutcome
{
    /// <summary>The state was captured and is being written.</summary>
    Started,

    /// <summary>The state was captured and will be written after the save in flight (<see cref="BackgroundSavePolicy.Coalesce"/>), unless a newer one replaces it.</summary>
    Queued,

    /// <summary>A save was in flight and the policy is <see cref="BackgroundSavePolicy.Skip"/>: nothing was captured or saved.</summary>
    Skipped,
}
