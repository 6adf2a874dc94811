namespace Checkpointing.Cli.Reports;

/// <summary>One checkpoint's metadata as <c>ckpt show</c> and <c>ckpt inspect</c> report it.</summary>
/// <param name="WriteMs">Milliseconds from the start of the save to writing the manifest; null when the file does not record it.</param>
/// <param name="PreviousSave">The save the writer completed before this one, as this file records it; null when it does not.</param>
/// <param name="SaveMs">
/// The whole save of this checkpoint (until durable, retention included), as the next save of the same process recorded it in
/// its <c>previousSave</c>; null when no listed checkpoint recorded it (the last save of a process, older files, <c>ckpt inspect</c>).
/// </param>
internal sealed record CheckpointRow(
    string Id,
    long Step,
    long? TotalSteps,
    DateTimeOffset TimestampUtc,
    long StoredBytes,
    long StateBytes,
    double CompressionRatio,
    string Compression,
    string Status,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Tags,
    long? WriterGeneration,
    int WriterProcessId,
    string WriterHost,
    string FormatVersion,
    long? JournalSequence,
    string Checksum,
    double? WriteMs,
    PreviousSaveRow? PreviousSave,
    double? SaveMs)
{
    public static CheckpointRow From(CheckpointMetadata m) => From(m, saveDuration: null);

    /// <summary>The rows of a run's checkpoints (oldest first), each with its whole save duration when a later one recorded it.</summary>
    public static List<CheckpointRow> From(IReadOnlyList<CheckpointMetadata> checkpoints)
    {
        var durations = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var m in checkpoints)
        {
            if (m.PreviousSave is { } previous)
            {
                durations[previous.CheckpointId] = previous.Duration;
            }
        }

        return [.. checkpoints.Select(m => From(m, durations.TryGetValue(m.Id, out var d) ? d : null))];
    }

    private static CheckpointRow From(CheckpointMetadata m, TimeSpan? saveDuration) => new(
        m.Id, m.Step, m.TotalSteps, m.TimestampUtc, m.StoredBytes, m.StateBytes, Math.Round(m.CompressionRatio, 3), m.Compression.ToString(), m.Status.ToString(),
        m.Metrics, m.Tags, m.WriterGeneration, m.WriterProcessId, m.WriterHost, m.FormatVersion, m.JournalSequence, m.Checksum,
        m.WriteDuration?.TotalMilliseconds,
        m.PreviousSave is { } p ? new PreviousSaveRow(p.CheckpointId, p.Step, p.Duration.TotalMilliseconds) : null,
        saveDuration?.TotalMilliseconds);
}
