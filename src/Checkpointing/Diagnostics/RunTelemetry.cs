using System.Diagnostics;
using System.Diagnostics.Metrics;
using Checkpointing.Interop;

namespace Checkpointing.Diagnostics;

/// <summary>
/// One manager's metrics and spans: its tags, the step and progress its gauges report, and the
/// measurements of its saves, loads and journal commits. Every method costs next to nothing while
/// nothing listens; none touches the manager, so the gauges never fail on a disposed one.
/// </summary>
internal sealed class RunTelemetry
{
    public const string SaveSpan = "checkpointing.save";
    public const string LoadSpan = "checkpointing.load";
    public const string RecoverSpan = "checkpointing.recover";
    public const string SkippedEvent = "checkpointing.checkpoint_skipped";

    private const string StepTag = "checkpointing.step";
    private const string CheckpointIdTag = "checkpointing.checkpoint_id";
    private const string BytesTag = "checkpointing.bytes";
    private const string SkippedCountTag = "checkpointing.skipped";
    private const string FileNameTag = "checkpointing.file_name";
    private const string ReasonTag = "checkpointing.reason";
    private const string QuarantinedToTag = "checkpointing.quarantined_to";

    private readonly Instruments _instruments;
    private readonly string _processType;
    private readonly string _name;
    private readonly string _compression;
    private readonly bool _gauged;
    private readonly TimeProvider _time;

    // -1 until a save or load tells the step; the gauges read both without a lock, so a reading may pair
    // a step with the previous total for an instant.
    private long _step = -1;
    private long _totalSteps;

    /// <param name="instruments">The meter's instruments.</param>
    /// <param name="processType">The run's process type.</param>
    /// <param name="name">The run's name.</param>
    /// <param name="compression">The compression saves use, as the format names it (<c>none</c>, <c>gzip</c>, <c>zstd</c>).</param>
    /// <param name="gauged">Whether the run's step and progress are reported (writable managers only: the writer owns the run's progress).</param>
    /// <param name="time">The manager's clock: durations are measured with its timestamps.</param>
    public RunTelemetry(Instruments instruments, string processType, string name, string compression, bool gauged, TimeProvider time)
    {
        _time = time;
        _instruments = instruments;
        _processType = processType;
        _name = name;
        _compression = compression;
        _gauged = gauged;
        RunTags = [new(Instruments.ProcessTypeTag, processType), new(Instruments.RunTag, name)];
        if (gauged)
        {
            instruments.Register(this);
        }
    }

    /// <summary>The process type and run tags, for the gauges.</summary>
    public KeyValuePair<string, object?>[] RunTags { get; }

    /// <summary>The step last saved or loaded, or null before the first.</summary>
    public long? Step => Volatile.Read(ref _step) is var step and >= 0 ? step : null;

    /// <summary>That step over the total steps, or null when either is unknown.</summary>
    public double? Progress
    {
        get
        {
            var step = Volatile.Read(ref _step);
            var total = Volatile.Read(ref _totalSteps);
            return step >= 0 && total > 0 ? (double)step / total : null;
        }
    }

    /// <summary>The start of a measured operation, from the manager's clock; pass it to the method that records the outcome.</summary>
    public long GetTimestamp() => _time.GetTimestamp();

    /// <summary>The time since <paramref name="started"/> (from <see cref="GetTimestamp"/>), as the duration histograms record it.</summary>
    public TimeSpan GetElapsedTime(long started) => _time.GetElapsedTime(started);

    /// <summary>Stops reporting the run's gauges (the manager was disposed).</summary>
    public void Close()
    {
        if (_gauged)
        {
            _instruments.Unregister(this);
        }
    }

    /// <summary>The run is now at <paramref name="step"/> of <paramref name="totalSteps"/>, after a save or a load.</summary>
    public void Observe(long step, long? totalSteps)
    {
        Volatile.Write(ref _totalSteps, totalSteps ?? 0);
        Volatile.Write(ref _step, step);
    }

    public Activity? StartSave(long step)
    {
        var activity = Start(SaveSpan);
        activity?.SetTag(StepTag, step).SetTag(Instruments.CompressionTag, _compression);
        return activity;
    }

    public Activity? StartLoad() => Start(LoadSpan);

    public Activity? StartRecover() => Start(RecoverSpan);

    public void SaveSucceeded(Activity? activity, long started, string checkpointId, long step, long? totalSteps, long bytes)
    {
        if (_gauged)
        {
            Observe(step, totalSteps);
        }

        if (activity is not null)
        {
            activity.SetTag(CheckpointIdTag, checkpointId).SetTag(BytesTag, bytes);
        }

        RecordDuration(_instruments.SaveDuration, started, withCompression: true, errorType: null);
        if (_instruments.SaveBytes.Enabled)
        {
            _instruments.SaveBytes.Add(bytes, WithCompression());
        }
    }

    /// <summary>Records a save that threw: a failure, or (without counting it as one) a cancellation.</summary>
    public void SaveFailed(Activity? activity, long started, Exception exception)
    {
        var errorType = SetError(activity, exception);
        RecordDuration(_instruments.SaveDuration, started, withCompression: true, errorType);
        if (exception is not OperationCanceledException && _instruments.SaveFailures.Enabled)
        {
            var tags = Tags();
            tags.Add(Instruments.ErrorTypeTag, errorType);
            _instruments.SaveFailures.Add(1, tags);
        }
    }

    /// <summary>Records a load that returned <paramref name="loaded"/> (null: the run has no checkpoint).</summary>
    public void LoadSucceeded(Activity? activity, long started, CheckpointMetadata? loaded)
    {
        if (activity is not null && loaded is not null)
        {
            activity.SetTag(CheckpointIdTag, loaded.Id).SetTag(StepTag, loaded.Step).SetTag(BytesTag, loaded.StoredBytes);
        }

        RecordDuration(_instruments.LoadDuration, started, withCompression: false, errorType: null);
    }

    public void LoadFailed(Activity? activity, long started, Exception exception)
    {
        RecordDuration(_instruments.LoadDuration, started, withCompression: false, SetError(activity, exception));
    }

    /// <summary>The newest-first search chose <paramref name="chosen"/> after skipping <paramref name="skipped"/> newer files.</summary>
    public void Recovered(Activity? activity, CheckpointMetadata chosen, int skipped)
    {
        if (_gauged)
        {
            Observe(chosen.Step, chosen.TotalSteps);
        }

        activity?.SetTag(CheckpointIdTag, chosen.Id).SetTag(StepTag, chosen.Step).SetTag(SkippedCountTag, skipped);
        if (skipped > 0 && _instruments.LoadFallbacks.Enabled)
        {
            _instruments.LoadFallbacks.Add(1, Tags());
        }
    }

    public void RecoverFailed(Activity? activity, Exception exception) => SetError(activity, exception);

    public static void Skipped(Activity? activity, string fileName, string reason, string? quarantinedTo)
    {
        activity?.AddEvent(new ActivityEvent(SkippedEvent, tags: new ActivityTagsCollection
        {
            [FileNameTag] = fileName,
            [ReasonTag] = reason,
            [QuarantinedToTag] = quarantinedTo,
        }));
    }

    public void JournalCommitted(long started)
    {
        RecordDuration(_instruments.JournalCommitDuration, started, withCompression: false, errorType: null);
    }

    /// <summary>
    /// The <c>error.type</c> of a failure, from a bounded set: the errno name of a storage error
    /// (<c>ENOSPC</c>, <c>EIO</c>…), else the exception's full type name.
    /// </summary>
    public static string ErrorType(Exception exception) =>
        exception is CheckpointStorageException { Errno: int errno } ? Errno.Name(errno) : exception.GetType().FullName ?? exception.GetType().Name;

    /// <summary>Marks the span failed, and returns the failure's <c>error.type</c>.</summary>
    private static string SetError(Activity? activity, Exception exception)
    {
        var errorType = ErrorType(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message).SetTag(Instruments.ErrorTypeTag, errorType);
        return errorType;
    }

    private void RecordDuration(Histogram<double> histogram, long started, bool withCompression, string? errorType)
    {
        if (!histogram.Enabled)
        {
            return;
        }

        var tags = withCompression ? WithCompression() : Tags();
        if (errorType is not null)
        {
            tags.Add(Instruments.ErrorTypeTag, errorType);
        }

        histogram.Record(GetElapsedTime(started).TotalSeconds, tags);
    }

    private Activity? Start(string spanName)
    {
        if (!Instruments.Source.HasListeners())
        {
            return null;
        }

        var activity = Instruments.Source.StartActivity(spanName);
        activity?.SetTag(Instruments.ProcessTypeTag, _processType).SetTag(Instruments.RunTag, _name);
        return activity;
    }

    private TagList Tags() => new() { { Instruments.ProcessTypeTag, _processType }, { Instruments.RunTag, _name } };

    private TagList WithCompression()
    {
        var tags = Tags();
        tags.Add(Instruments.CompressionTag, _compression);
        return tags;
    }
}
