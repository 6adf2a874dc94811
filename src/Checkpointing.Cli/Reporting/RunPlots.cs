using Checkpointing.Cli.Output;
using Checkpointing.Studies;
using static Checkpointing.Cli.Reporting.HtmlText;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// The plots of one run, in page order: the study's trial values and best so far, the reward per episode,
/// progress over time, each metric against step, checkpoint sizes and save durations (or, for files that do not record
/// them, the time between saves). Time and step
/// axes carry the run's interruptions, failures and resumes as markers.
/// </summary>
internal static class RunPlots
{
    /// <summary>
    /// What the page says when no checkpoint records its save duration (files written before they were recorded): the
    /// report shows the time between consecutive checkpoints instead and says so.
    /// </summary>
    public const string SaveDurationNote =
        "These checkpoints were written before Checkpointing recorded how long each save took, " +
        "so save durations are not plotted. This plot shows the time from each checkpoint to the next, from their timestamps: the save interval, " +
        "which includes the work done between saves and any time the run was stopped.";

    /// <summary>What the page says about the save-duration plot.</summary>
    public const string SaveDurationDescription =
        "Write: from the start of each save until its manifest was written (state and sections compressed and written), as the checkpoint records it. " +
        "Whole save: until the checkpoint was durable (fsync, rename, directory fsync) and retention had run, as the next save of the same process records it, " +
        "so the last save of each process has none. Serialising the state, before the save's file work starts, is not included.";

    public static IReadOnlyList<Plot> For(RunHistory history)
    {
        var plots = new List<Plot>();
        if (history.Study is { } study)
        {
            plots.Add(Study(study, history.Events));
        }

        if (history.Rewards is { } rewards)
        {
            plots.Add(Rewards(rewards, history.Events));
        }

        var checkpoints = history.Checkpoints;
        if (checkpoints.Count == 0)
        {
            return plots;
        }

        var timeMarkers = history.Events.Select(e => new PlotMarker(Seconds(e.Time), e.Kind, e.Label)).ToList();
        plots.Add(Progress(checkpoints, timeMarkers));
        foreach (var metric in checkpoints.SelectMany(c => c.Metrics.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            plots.Add(Metric(metric, checkpoints, history.Events));
        }

        plots.Add(Sizes(checkpoints, timeMarkers));
        if (checkpoints.Any(c => c.WriteDuration is not null || c.PreviousSave is not null))
        {
            plots.Add(SaveDurations(checkpoints, history.Events));
        }
        else if (checkpoints.Count > 1)
        {
            plots.Add(SaveIntervals(checkpoints, timeMarkers));
        }

        return plots;
    }

    private static Plot Study(StudyHistory study, IReadOnlyList<RunEvent> events)
    {
        var best = study.BestSoFar();
        var plotted = study.Trials.Where(t => t.Value is double v && double.IsFinite(v)).ToList();
        var values = plotted.Select(t => new PlotPoint(t.Number, t.Value!.Value,
            $"trial {Integer(t.Number)}: {Value(t.Value!.Value)}{(t.FinishedAt is { } at ? ", finished " + Display.Time(at) : string.Empty)}")).ToList();
        var bestLine = study.Trials.Select((t, i) => (t.Number, Best: best[i]))
            .Where(b => b.Best is double v && double.IsFinite(v))
            .Select(b => new PlotPoint(b.Number, b.Best!.Value, $"best after trial {Integer(b.Number)}: {Value(b.Best!.Value)}")).ToList();
        var notPlotted = study.Trials.Count - plotted.Count;
        var direction = study.Direction == StudyDirection.Minimize ? "minimize" : "maximize";
        var description = $"{Integer(study.Trials.Count)} finished trial(s) from {study.Source}; the line is the best value so far ({direction})."
            + (notPlotted > 0 ? $" {Integer(notPlotted)} failed or infinite trial(s) not plotted." : string.Empty);

        // Step n of a study checkpoint means n trials finished, trials 0 to n-1: the marker sits just after trial n-1.
        var markers = events.Select(e => new PlotMarker(e.Step - 0.5, e.Kind, e.Label)).ToList();
        var trialNumbers = study.Trials.Select(t => (double)t.Number).ToList();
        return new Plot("study:trials", $"Objective value per trial ({direction})", description,
            AxisBuilder.Build(AxisKind.Count, "trial", trialNumbers),
            AxisBuilder.Build(AxisKind.Number, "objective value", values.Select(p => p.Y)),
            [new PlotSeries("trial value", "c1", SeriesStyle.Dots, values), new PlotSeries("best so far", "c2", SeriesStyle.Steps, bestLine)],
            markers);
    }

    private static Plot Rewards(RewardHistory rewards, IReadOnlyList<RunEvent> events)
    {
        var points = rewards.Rewards.Select((r, i) => (Episode: i + 1, Reward: r)).Where(e => double.IsFinite(e.Reward))
            .Select(e => new PlotPoint(e.Episode, e.Reward, $"episode {Integer(e.Episode)}: reward {Value(e.Reward)}")).ToList();
        var window = Math.Clamp(rewards.Rewards.Count / 20, 1, 100);
        var average = MovingAverage(points, window);
        var description = $"{Integer(rewards.Rewards.Count)} episode(s) from the state's '{rewards.Property}' in {rewards.CheckpointId}; the line is the mean of the last {Integer(window)}.";

        // Step n of an episode checkpoint means n episodes finished: the marker sits just after episode n.
        var markers = events.Select(e => new PlotMarker(e.Step + 0.5, e.Kind, e.Label)).ToList();
        return new Plot("rl:reward", "Reward per episode", description,
            AxisBuilder.Build(AxisKind.Count, "episode", points.Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Number, "reward", points.Select(p => p.Y)),
            [new PlotSeries("reward", "c1", SeriesStyle.Dots, points), new PlotSeries($"mean of last {Integer(window)}", "c2", SeriesStyle.Line, average)],
            markers);
    }

    private static Plot Progress(IReadOnlyList<CheckpointMetadata> checkpoints, IReadOnlyList<PlotMarker> markers)
    {
        var points = checkpoints.Select(c => new PlotPoint(Seconds(c.TimestampUtc), c.Step, $"{Tooltip(c)}: step {Integer(c.Step)}")).ToList();
        return new Plot("progress", "Progress over time", $"The step of each of the {Integer(checkpoints.Count)} checkpoint(s), at the time it was saved.",
            AxisBuilder.Build(AxisKind.Time, "time", points.Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Count, "step", points.Select(p => p.Y).Append(0)),
            [new PlotSeries("checkpoint", "c1", SeriesStyle.Dots, points)],
            markers);
    }

    private static Plot Metric(string metric, IReadOnlyList<CheckpointMetadata> checkpoints, IReadOnlyList<RunEvent> events)
    {
        var with = checkpoints.Where(c => c.Metrics.ContainsKey(metric)).ToList();
        var points = with.Where(c => double.IsFinite(c.Metrics[metric]))
            .Select(c => new PlotPoint(c.Step, c.Metrics[metric], $"{Tooltip(c)}: {metric} = {Value(c.Metrics[metric])}")).ToList();
        var notFinite = with.Count - points.Count;
        var description = $"The metric '{metric}' saved with {Integer(with.Count)} of {Integer(checkpoints.Count)} checkpoint(s), against their step."
            + (notFinite > 0 ? $" {Integer(notFinite)} infinite or NaN value(s) not plotted." : string.Empty);
        return new Plot("metric:" + metric, metric, description,
            AxisBuilder.Build(AxisKind.Count, "step", points.Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Number, metric, points.Select(p => p.Y)),
            [new PlotSeries(metric, "c1", SeriesStyle.Dots, points)],
            [.. events.Select(e => new PlotMarker(e.Step, e.Kind, e.Label))]);
    }

    private static Plot Sizes(IReadOnlyList<CheckpointMetadata> checkpoints, IReadOnlyList<PlotMarker> markers)
    {
        var points = checkpoints.Select(c => new PlotPoint(Seconds(c.TimestampUtc), c.StoredBytes,
            $"{Tooltip(c)}: {Display.Bytes(c.StoredBytes)} stored ({Display.Bytes(c.StateBytes)} of state before compression)")).ToList();
        return new Plot("size", "Checkpoint size", "The size of each checkpoint file on disk (after compression), at the time it was saved.",
            AxisBuilder.Build(AxisKind.Time, "time", points.Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Bytes, "stored size", points.Select(p => p.Y)),
            [new PlotSeries("stored size", "c1", SeriesStyle.Dots, points)],
            markers);
    }

    /// <summary>Two series against step: each checkpoint's write time, and each whole save that the next save of its process recorded.</summary>
    private static Plot SaveDurations(IReadOnlyList<CheckpointMetadata> checkpoints, IReadOnlyList<RunEvent> events)
    {
        var byId = checkpoints.ToDictionary(c => c.Id, StringComparer.Ordinal);
        var writes = checkpoints.Where(c => c.WriteDuration is not null)
            .Select(c => new PlotPoint(c.Step, c.WriteDuration!.Value.TotalSeconds, $"{Tooltip(c)}: written in {Display.SaveTime(c.WriteDuration.Value.TotalSeconds)}")).ToList();
        var wholes = checkpoints.Select(c => c.PreviousSave).OfType<CompletedSave>()
            .Select(p => new PlotPoint(p.Step, p.Duration.TotalSeconds,
                $"{(byId.TryGetValue(p.CheckpointId, out var saved) ? Tooltip(saved) : p.CheckpointId + " (since deleted)")}: whole save {Display.SaveTime(p.Duration.TotalSeconds)}"))
            .ToList();
        var unrecorded = checkpoints.Count(c => c.WriteDuration is null);
        var description = SaveDurationDescription
            + (unrecorded > 0 ? $" {Integer(unrecorded)} checkpoint(s) written before durations were recorded have no write time." : string.Empty);
        return new Plot("save-duration", "Save duration", description,
            AxisBuilder.Build(AxisKind.Count, "step", writes.Concat(wholes).Select(p => p.X)),
            AxisBuilder.Build(AxisKind.Seconds, "duration", writes.Concat(wholes).Select(p => p.Y)),
            [new PlotSeries("write", "c1", SeriesStyle.Dots, writes), new PlotSeries("whole save (durable)", "c2", SeriesStyle.Dots, wholes)],
            [.. events.Select(e => new PlotMarker(e.Step, e.Kind, e.Label))]);
    }

    private static Plot SaveIntervals(IReadOnlyList<CheckpointMetadata> checkpoints, IReadOnlyList<PlotMarker> markers)
    {
        var points = checkpoints.Skip(1).Select((c, i) => (Checkpoint: c, Gap: (c.TimestampUtc - checkpoints[i].TimestampUtc).TotalSeconds))
            .Select(g => new PlotPoint(Seconds(g.Checkpoint.TimestampUtc), g.Gap, $"{Tooltip(g.Checkpoint)}: {Display.SaveTime(g.Gap)} after the previous checkpoint")).ToList();
        return new Plot("save-interval", "Time between saves", SaveDurationNote,
            AxisBuilder.Build(AxisKind.Time, "time", checkpoints.Select(c => Seconds(c.TimestampUtc))),
            AxisBuilder.Build(AxisKind.Seconds, "time since the previous checkpoint", points.Select(p => p.Y)),
            [new PlotSeries("save interval", "c1", SeriesStyle.Dots, points)],
            markers);
    }

    private static List<PlotPoint> MovingAverage(IReadOnlyList<PlotPoint> points, int window)
    {
        var average = new List<PlotPoint>(points.Count);
        var sum = 0.0;
        for (var i = 0; i < points.Count; i++)
        {
            sum += points[i].Y;
            if (i >= window)
            {
                sum -= points[i - window].Y;
            }

            var mean = sum / Math.Min(i + 1, window);
            average.Add(new PlotPoint(points[i].X, mean, $"mean of episodes up to {Integer((long)points[i].X)}: {Value(mean)}"));
        }

        return average;
    }

    private static string Tooltip(CheckpointMetadata checkpoint) => $"{checkpoint.Id} ({checkpoint.Status}, {Display.Time(checkpoint.TimestampUtc)})";

    private static double Seconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds() / 1000.0;
}
