using System.Globalization;
using Checkpointing.Cli.Reports;

namespace Checkpointing.Cli.Output;

/// <summary>The retention settings a checkpoint recorded, in words and as a report row.</summary>
internal static class RetentionText
{
    public const string NotRecorded = "not recorded (written by a version of Checkpointing from before checkpoints recorded their retention settings)";

    public static RetentionRow Row(CheckpointMetadata newest) => newest.Retention is { } r
        ? new RetentionRow(newest.Id, true, r.KeepLastN, r.BestMetric, r.KeepBestN, r.BestMetricMode?.ToString(), r.KeepEvery?.TotalMilliseconds, r.MaxTotalBytes, Describe(r))
        : new RetentionRow(newest.Id, false, null, null, null, null, null, null, NotRecorded);

    /// <summary><c>keep the last 5; the best 2 by accuracy (max); one every 1h 30m forever; at most 1.0 GiB in all</c>, or <c>keep all</c>.</summary>
    public static string Describe(RetentionSettings r)
    {
        var rules = new List<string>();
        if (r.KeepLastN is int last)
        {
            rules.Add(string.Create(CultureInfo.InvariantCulture, $"keep the last {last}"));
        }

        if (r.BestMetric is { } metric)
        {
            var mode = r.BestMetricMode is BestMetricMode m ? $" ({m.ToString().ToLowerInvariant()})" : string.Empty;
            rules.Add(string.Create(CultureInfo.InvariantCulture, $"the best {r.KeepBestN ?? 1} by {metric}{mode}"));
        }

        if (r.KeepEvery is TimeSpan every)
        {
            rules.Add($"one every {Display.Duration(every.TotalSeconds)} forever");
        }

        if (r.MaxTotalBytes is long max)
        {
            rules.Add($"at most {Display.Bytes(max)} in all");
        }

        return r.KeepLastN is null && rules.Count == 0 ? "keep all" : string.Join("; ", r.KeepLastN is null ? rules.Prepend("no last-N limit") : rules);
    }
}
