using Checkpointing.Serialization;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Journaling;

/// <summary>Settings of a <see cref="JournaledState{TState, TEvent}"/>. Every property has a working default; Open validates them.</summary>
public sealed class JournaledStateOptions
{
    /// <summary>Take a snapshot (and compact the journal) after this many events. Default: 1,000. Must be at least 1.</summary>
    public int SnapshotEvery { get; set; } = 1_000;

    /// <summary>How events (journal records) and the state (snapshots) are turned into bytes. Default: null (the manager's <see cref="CheckpointOptions.Serializer"/>, which defaults to <see cref="JsonCheckpointSerializer.Default"/>).</summary>
    public ICheckpointSerializer? Serializer { get; set; }

    /// <summary>The clock for intent timestamps and the names of files moved aside. Default: null (the manager's <see cref="CheckpointOptions.TimeProvider"/>).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>The journal's settings (segment size). Default: null (the <see cref="JournalOptions"/> defaults, with this object's TimeProvider and LoggerFactory).</summary>
    public JournalOptions? Journal { get; set; }

    /// <summary>Where log messages go. Default: null (the manager's <see cref="CheckpointOptions.LoggerFactory"/>).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
