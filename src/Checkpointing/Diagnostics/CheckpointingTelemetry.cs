namespace Checkpointing;

/// <summary>
/// The names to subscribe to for the library's metrics and traces, e.g.
/// <c>services.AddOpenTelemetry().WithMetrics(m =&gt; m.AddMeter(CheckpointingTelemetry.MeterName)).WithTracing(t =&gt; t.AddSource(CheckpointingTelemetry.ActivitySourceName))</c>.
/// Nothing is measured or traced while nothing listens.
/// </summary>
/// <remarks>
/// <para>Instruments of the meter (tags: <c>checkpointing.process_type</c> and <c>checkpointing.run</c> on all of them):</para>
/// <list type="bullet">
/// <item><c>checkpointing.save.duration</c> (histogram, s): every save that reached the disk, with <c>checkpointing.compression</c>, and <c>error.type</c> when it failed.</item>
/// <item><c>checkpointing.save.bytes</c> (counter, By): the size on disk of every checkpoint file published, with <c>checkpointing.compression</c>.</item>
/// <item><c>checkpointing.save.failures</c> (counter): saves that threw (not cancellations), with <c>error.type</c>: the errno name (<c>ENOSPC</c>, <c>EIO</c>…) of a storage error, else the exception's type name.</item>
/// <item><c>checkpointing.load.duration</c> (histogram, s): loads (<c>LoadLatest</c>, <c>Resume</c>, <c>Load</c>), verification and deserialisation included, with <c>error.type</c> when it failed.</item>
/// <item><c>checkpointing.load.fallbacks</c> (counter): loads and recovery queries that used an older checkpoint because newer ones failed verification.</item>
/// <item><c>checkpointing.run.step</c> (gauge): the step last saved or loaded by each open, writable manager.</item>
/// <item><c>checkpointing.run.progress</c> (gauge, 1): that step over its total steps, 0 to 1, when the total is known.</item>
/// <item><c>checkpointing.journal.commit.duration</c> (histogram, s): each journal commit that wrote and fdatasynced records; its count is the number of such commits.</item>
/// </list>
/// <para>
/// Run names and process types are tags, so each run is its own series: fine for the few runs a process
/// has open, not for thousands of short-lived runs per process.
/// </para>
/// <para>
/// Spans of the activity source: <c>checkpointing.save</c>, <c>checkpointing.load</c> and
/// <c>checkpointing.recover</c> (the newest-first search for a valid checkpoint, with a
/// <c>checkpointing.checkpoint_skipped</c> event for each file it skipped). A failed operation sets the
/// span's status to <see cref="System.Diagnostics.ActivityStatusCode.Error"/> and its <c>error.type</c> tag.
/// </para>
/// </remarks>
public static class CheckpointingTelemetry
{
    /// <summary>The name of the library's <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Checkpointing</c>.</summary>
    public const string MeterName = "Checkpointing";

    /// <summary>The name of the library's <see cref="System.Diagnostics.ActivitySource"/>: <c>Checkpointing</c>.</summary>
    public const string ActivitySourceName = "Checkpointing";
}
