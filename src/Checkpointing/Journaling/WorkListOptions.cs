using Microsoft.Extensions.Logging;

namespace Checkpointing.Journaling;

/// <summary>Settings of a <see cref="WorkList"/>. Every property has a working default; <see cref="WorkList.Open"/> validates them.</summary>
public sealed class WorkListOptions
{
    /// <summary>Take a snapshot (and compact the journal) after this many completions. Default: 10,000. Must be at least 1.</summary>
    public int SnapshotEvery { get; set; } = 10_000;

    /// <summary>The clock for the ETA and the names of files moved aside. Default: null (the manager's <see cref="CheckpointOptions.TimeProvider"/>).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The journal's settings (segment size). Default: null (the <see cref="JournalOptions"/> defaults, with this object's TimeProvider and LoggerFactory).</summary>
    public JournalOptions? Journal { get; set; }

    /// <summary>Where log messages go. Default: null (the manager's <see cref="CheckpointOptions.LoggerFactory"/>).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
