namespace Checkpointing.Cli.Runs;

/// <summary>
/// Rate and ETA of a run from its checkpoint history: steps per second between the oldest and the newest
/// checkpoint listed, and the time the remaining steps take at that rate. Null parts when there is not enough
/// history (one checkpoint, no total, no progress between them).
/// </summary>
internal sealed record ProgressEstimate(double? StepsPerSecond, TimeSpan? Remaining)
{
    public static ProgressEstimate From(IReadOnlyList<CheckpointMetadata> checkpoints)
    {
        if (checkpoints.Count < 2)
        {
            return new ProgressEstimate(null, null);
        }

        var first = checkpoints[0];
        var last = checkpoints[^1];
        var seconds = (last.TimestampUtc - first.TimestampUtc).TotalSeconds;
        var steps = last.Step - first.Step;
        if (seconds <= 0 || steps <= 0)
        {
            return new ProgressEstimate(null, null);
        }

        var rate = steps / seconds;
        TimeSpan? remaining = last.TotalSteps is long total && total >= last.Step ? TimeSpan.FromSeconds((total - last.Step) / rate) : null;
        return new ProgressEstimate(rate, remaining);
    }
}
