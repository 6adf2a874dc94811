using System.Globalization;
using Checkpointing.Cli.Output;
using Checkpointing.Cli.Runs;
using Checkpointing.Training;

namespace Checkpointing.Cli.Reporting;

/// <summary>
/// Finds interruptions, failures and resumes in a run's checkpoint history (oldest first): statuses
/// Interrupted and Failed, and a change of session between two checkpoints — the <c>sessions</c> tag that
/// <see cref="TrainingCheckpointCallback"/> writes, else the writer generation, else the writing process.
/// Only what the files kept can be found: retention may have deleted the checkpoints around an earlier resume.
/// </summary>
internal static class RunEventDetector
{
    public static IReadOnlyList<RunEvent> Detect(IReadOnlyList<CheckpointMetadata> checkpoints)
    {
        var events = new List<RunEvent>();
        for (var i = 0; i < checkpoints.Count; i++)
        {
            var checkpoint = checkpoints[i];
            if (i > 0 && RunSessions.Of(checkpoint) != RunSessions.Of(checkpoints[i - 1]))
            {
                events.Add(Resume(checkpoints[i - 1], checkpoint));
            }

            if (checkpoint.Status == CheckpointStatus.Interrupted)
            {
                var signal = checkpoint.Tags.TryGetValue(TrainingCheckpointCallback.SignalTag, out var s) ? $" ({s})" : string.Empty;
                events.Add(new RunEvent(RunEventKind.Interrupted, checkpoint.TimestampUtc, checkpoint.Step, $"interrupted{signal} at step {Step(checkpoint.Step)}, {Display.Time(checkpoint.TimestampUtc)}"));
            }
            else if (checkpoint.Status == CheckpointStatus.Failed)
            {
                var error = checkpoint.Tags.TryGetValue(TrainingCheckpointCallback.ErrorTag, out var e) ? $": {e}" : string.Empty;
                events.Add(new RunEvent(RunEventKind.Failed, checkpoint.TimestampUtc, checkpoint.Step, $"failed at step {Step(checkpoint.Step)}, {Display.Time(checkpoint.TimestampUtc)}{error}"));
            }
        }

        return events;
    }

    private static RunEvent Resume(CheckpointMetadata before, CheckpointMetadata first)
    {
        var label = $"resumed: {RunSessions.Of(first)} after step {Step(before.Step)}; its first checkpoint at step {Step(first.Step)}, {Display.Time(first.TimestampUtc)}";
        if (first.Step < before.Step)
        {
            label += $" (behind step {Step(before.Step)}: work redone)";
        }

        return new RunEvent(RunEventKind.Resumed, first.TimestampUtc, before.Step, label);
    }

    private static string Step(long step) => step.ToString(CultureInfo.InvariantCulture);
}
