namespace Checkpointing.Cli.Runs;

/// <summary>
/// Rate and ETA of a run from its checkpoint history: steps per second while the run was running — over pairs of
/// consecutive checkpoints written by the same session, so the time between a stop and the next start does not count —
/// and the time the remaining steps take at that rate. Null parts when there is not enough history (one checkpoint,
/// no total, no progress between them).
/// </summary>
internal sealed record ProgressEstimate(double? StepsPerSecond, TimeSpan? Remaining)
{
    public static ProgressEstimate From(IReadOnlyList<CheckpointMetadata> checkpoints)
    {
        if (checkpoints.Count < 2)
        {
            return new ProgressEstimate(null, null);
        }

        double seconds = 0;
        long steps = 0;
        for (var i = 1; i < checkpoints.Count; i++)
        {
            var (before, after) = (checkpoints[i - 1], checkpoints[i]);
            var gap = (after.TimestampUtc - before.TimestampUtc).TotalSeconds;
            if (after.Step > before.Step && gap > 0 && RunSessions.Of(before) == RunSessions.Of(after))
            {
                seconds += gap;
                steps += after.Step - before.Step;
            }
        }

        if (steps == 0)
        {
            // Each session kept one checkpoint at most: the whole span (pauses included) is all there is.
            seconds = (checkpoints[^1].TimestampUtc - checkpoints[0].TimestampUtc).TotalSeconds;
            steps = checkpoints[^1].Step - checkpoints[0].Step;
        }

        if (seconds <= 0 || steps <= 0)
        {
            return new ProgressEstimate(null, null);
        }

        var last = checkpoints[^1];
        var rate = steps / seconds;
        TimeSpan? remaining = last.TotalSteps is long total && total >= last.Step ? TimeSpan.FromSeconds((total - last.Step) / rate) : null;
        return new ProgressEstimate(rate, remaining);
    }
}
