using System.Diagnostics.Metrics;
using Checkpointing.Serialization;
using Microsoft.Extensions.Logging;

namespace Checkpointing;

/// <summary>
/// Settings of a <see cref="CheckpointManager"/>. Every property has a working default; the
/// manager validates them when it is created.
/// </summary>
public sealed class CheckpointOptions
{
    /// <summary>The directory that holds every run, as <c>&lt;root&gt;/&lt;processType&gt;/&lt;name&gt;/</c>. Default: <c>checkpoints</c> (relative to the working directory).</summary>
    public string RootDirectory { get; set; } = "checkpoints";

    /// <summary>How many of the newest checkpoints to keep after each save; null keeps all. Default: 5 (as the seed). Must be at least 1 when set.</summary>
    public int? KeepLastN { get; set; } = 5;

    /// <summary>How many of the best checkpoints by <see cref="BestMetric"/> to keep in addition. Default: 1 when <see cref="BestMetric"/> is set, else unused.</summary>
    public int KeepBestN { get; set; } = 1;

    /// <summary>The metric that defines "best" (a key of the metrics given to Save). Default: null (no best tracking). The best checkpoint is never deleted by retention.</summary>
    public string? BestMetric { get; set; }

    /// <summary>Whether a lower or higher <see cref="BestMetric"/> is better. Default: <see cref="BestMetricMode.Min"/>.</summary>
    public BestMetricMode BestMetricMode { get; set; } = BestMetricMode.Min;

    /// <summary>Also keep one checkpoint per interval forever (like TensorFlow's keep_checkpoint_every_n_hours). Default: null (off).</summary>
    public TimeSpan? KeepEvery { get; set; }

    /// <summary>Delete the oldest checkpoints while the run holds more than this many bytes; the newest and the best are always kept. Default: null (no cap).</summary>
    public long? MaxTotalBytes { get; set; }

    /// <summary>Chunk compression. Default: <see cref="CheckpointCompression.Zstd"/> at a fast level.</summary>
    public CheckpointCompression Compression { get; set; } = CheckpointCompression.Zstd;

    /// <summary>What <see cref="CheckpointManager.SaveInBackgroundAsync{T}"/> does while another background save is being written. Default: <see cref="BackgroundSavePolicy.Wait"/>.</summary>
    public BackgroundSavePolicy WhenBackgroundSaveBusy { get; set; } = BackgroundSavePolicy.Wait;

    /// <summary>How state is turned into bytes. Default: <see cref="JsonCheckpointSerializer.Default"/> (System.Text.Json).</summary>
    public ICheckpointSerializer? Serializer { get; set; }

    /// <summary>
    /// Open the run for reading only: no lock is taken, nothing is created, cleaned up, quarantined or
    /// deleted, and Save throws. Use it to inspect a run another process is writing. Default: false.
    /// </summary>
    public bool ReadOnly { get; set; }

    /// <summary>
    /// Open the run for writing even when another process holds its writer lock, taking the lock over
    /// (Linux). For a holder known to be gone whose lock says otherwise: a lease that expired on a
    /// shared file system, a paused or partitioned machine that must not come back as the writer. The
    /// old holder is fenced: its next save fails with <see cref="CheckpointFencedException"/> and
    /// publishes nothing, and a checkpoint it was publishing at that very moment is never taken for the
    /// latest. Default: false (a held lock raises <see cref="CheckpointLockedException"/>).
    /// </summary>
    public bool TakeOverLock { get; set; }

    /// <summary>Where log messages go. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Where the <see cref="CheckpointingTelemetry.MeterName"/> meter comes from, e.g. the host's <see cref="IMeterFactory"/>
    /// from dependency injection. Default: null (one static meter, shared by every manager of the process, which
    /// OpenTelemetry, <c>dotnet-counters</c> and <c>MeterListener</c> see by its name).
    /// </summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>The clock used for timestamps and file names. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
