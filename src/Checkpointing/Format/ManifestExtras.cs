namespace Checkpointing.Format;

/// <summary>
/// The manifest's optional diagnostic fields (<c>writeMs</c>, <c>previousSave</c>, <c>retention</c>): built from the
/// writer's settings and measurements, and read back leniently: they never affect loading, so a value that makes no
/// sense (negative, not finite, an unknown mode) reads as not recorded instead of failing the file.
/// </summary>
internal static class ManifestExtras
{
    private const string Min = "Min";
    private const string Max = "Max";

    /// <summary>A duration as the manifest stores it: milliseconds, to the tick (at most four decimals).</summary>
    public static double Milliseconds(TimeSpan duration) => duration.TotalMilliseconds;

    public static TimeSpan? Duration(double? milliseconds) =>
        milliseconds is double ms && double.IsFinite(ms) && ms >= 0 && ms <= TimeSpan.MaxValue.TotalMilliseconds / 2
            ? TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond))
            : null;

    public static CompletedSave? PreviousSave(PreviousSaveEntry? entry) =>
        entry is { CheckpointId: { Length: > 0 } id, Step: >= 0 } && Duration(entry.DurationMs) is TimeSpan duration
            ? new CompletedSave(id, entry.Step, duration)
            : null;

    public static PreviousSaveEntry Entry(CompletedSave save) =>
        new() { CheckpointId = save.CheckpointId, Step = save.Step, DurationMs = Milliseconds(save.Duration) };

    /// <summary>The retention rules of <paramref name="options"/> as they stand (they are read at every save).</summary>
    public static RetentionEntry Entry(CheckpointOptions options)
    {
        var best = options.BestMetric is not null;
        return new RetentionEntry
        {
            KeepLastN = options.KeepLastN,
            KeepBestN = best ? options.KeepBestN : null,
            BestMetric = options.BestMetric,
            BestMetricMode = best ? (options.BestMetricMode == BestMetricMode.Max ? Max : Min) : null,
            KeepEveryMs = options.KeepEvery is TimeSpan every ? Milliseconds(every) : null,
            MaxTotalBytes = options.MaxTotalBytes,
        };
    }

    public static RetentionSettings? Retention(RetentionEntry? entry)
    {
        if (entry is null)
        {
            return null;
        }

        BestMetricMode? mode = entry.BestMetricMode switch
        {
            null => null,
            Min => BestMetricMode.Min,
            Max => BestMetricMode.Max,
            _ => null,
        };
        return new RetentionSettings(entry.KeepLastN, entry.BestMetric, entry.KeepBestN, mode, Duration(entry.KeepEveryMs), entry.MaxTotalBytes);
    }
}
