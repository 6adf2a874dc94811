using System.Globalization;
using Checkpointing.Training;

namespace Checkpointing.Cli.Runs;

/// <summary>
/// Which session (one start of the writing program) wrote a checkpoint: the <c>sessions</c> tag that
/// <see cref="TrainingCheckpointCallback"/> writes, else the writer generation, else the writing process.
/// </summary>
internal static class RunSessions
{
    public static string Of(CheckpointMetadata checkpoint) =>
        checkpoint.Tags.TryGetValue(TrainingCheckpointCallback.SessionsTag, out var session) ? "session " + session
        : checkpoint.WriterGeneration is long generation ? "writer generation " + generation.ToString(CultureInfo.InvariantCulture)
        : $"process {checkpoint.WriterProcessId.ToString(CultureInfo.InvariantCulture)} on {checkpoint.WriterHost}";

    /// <summary>
    /// How many sessions the run has had: the highest <c>sessions</c> tag (it counts every start, including those whose
    /// checkpoints retention has deleted since), or else the sessions seen in <paramref name="checkpoints"/>.
    /// </summary>
    public static int Count(IReadOnlyList<CheckpointMetadata> checkpoints)
    {
        var seen = Seen(checkpoints);
        var tagged = checkpoints
            .Select(c => c.Tags.TryGetValue(TrainingCheckpointCallback.SessionsTag, out var text)
                && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
            .DefaultIfEmpty(0)
            .Max();
        return Math.Max(seen, tagged);
    }

    /// <summary>How many sessions wrote the checkpoints in <paramref name="checkpoints"/>.</summary>
    public static int Seen(IReadOnlyList<CheckpointMetadata> checkpoints) => checkpoints.Select(Of).Distinct(StringComparer.Ordinal).Count();
}
