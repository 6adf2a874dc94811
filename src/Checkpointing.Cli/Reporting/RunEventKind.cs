namespace Checkpointing.Cli.Reporting;

/// <summary>What happened to a run between or at its checkpoints, as marked on the plots.</summary>
internal enum RunEventKind
{
    /// <summary>A checkpoint saved with status Interrupted (Ctrl+C, SIGTERM, …).</summary>
    Interrupted,

    /// <summary>A checkpoint saved with status Failed.</summary>
    Failed,

    /// <summary>The first checkpoint of a new session: a higher <c>sessions</c> tag, writer generation or another writer process than the checkpoint before.</summary>
    Resumed,
}
