namespace Checkpointing;

/// <summary>What the process was doing when a checkpoint was written.</summary>
public enum CheckpointStatus
{
    /// <summary>A periodic save while work goes on (the default).</summary>
    InProgress = 0,

    /// <summary>The final save after Ctrl+C, SIGTERM or another requested stop.</summary>
    Interrupted = 1,

    /// <summary>The final save after an unhandled error; the tags usually hold the error text.</summary>
    Failed = 2,

    /// <summary>The work finished; resuming from it has nothing left to do.</summary>
    Completed = 3,
}
