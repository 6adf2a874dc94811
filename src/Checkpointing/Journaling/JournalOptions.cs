using Microsoft.Extensions.Logging;

namespace Checkpointing.Journaling;

/// <summary>Settings of a <see cref="Journal"/>. Every property has a working default; <see cref="Journal.Open"/> validates them.</summary>
public sealed class JournalOptions
{
    /// <summary>The size after which appends go to a new segment file (a segment can exceed it by one write batch, at most 1 MiB or one record). Default: 64 MiB. Must be from 4 KiB to 1 TiB.</summary>
    public long SegmentBytes { get; set; } = 64L << 20;

    /// <summary>The clock used for the names of files moved aside. Default: null (the manager's <see cref="CheckpointOptions.TimeProvider"/>).</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>Where log messages go (cut tails, damaged segments). Default: null (the manager's <see cref="CheckpointOptions.LoggerFactory"/>).</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
