namespace Checkpointing.Cli.Reports;

/// <summary>One checkpoint's metadata as <c>ckpt show</c> and <c>ckpt inspect</c> report it.</summary>
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
    string Checksum)
{
    public static CheckpointRow From(CheckpointMetadata m) => new(
        m.Id, m.Step, m.TotalSteps, m.TimestampUtc, m.StoredBytes, m.StateBytes, Math.Round(m.CompressionRatio, 3), m.Compression.ToString(), m.Status.ToString(),
        m.Metrics, m.Tags, m.WriterGeneration, m.WriterProcessId, m.WriterHost, m.FormatVersion, m.JournalSequence, m.Checksum);
}
