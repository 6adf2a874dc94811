namespace Checkpointing.Cli.Reports;

/// <summary>
/// The retention settings recorded in a run's newest checkpoint, as <c>ckpt show</c> reports them. A rule that was off is null;
/// <paramref name="Recorded"/> is false (and every rule null) when that checkpoint was written before they were recorded.
/// </summary>
/// <param name="RecordedBy">The checkpoint whose manifest holds the settings: the newest.</param>
/// <param name="Summary">The settings in words, as the table shows them.</param>
internal sealed record RetentionRow(
    string RecordedBy,
    bool Recorded,
    int? KeepLastN,
    string? BestMetric,
    int? KeepBestN,
    string? BestMetricMode,
    double? KeepEveryMs,
    long? MaxTotalBytes,
    string Summary);
