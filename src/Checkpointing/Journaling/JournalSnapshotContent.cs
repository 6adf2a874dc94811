namespace Checkpointing.Journaling;

/// <summary>What a journal snapshot adds to a checkpoint: the journal position it covers, what wrote it, and an optional JSON section.</summary>
/// <param name="JournalSequence">The last journal record the snapshot's state includes.</param>
/// <param name="Kind">What wrote it (<c>worklist</c>, <c>state</c>), kept in the tag <see cref="KindTag"/> so that one shape never reads another's snapshot.</param>
/// <param name="ExtraSectionName">The name (and kind) of a second section, e.g. <c>intents</c>; null for none.</param>
/// <param name="ExtraSection">The second section's bytes.</param>
internal sealed record JournalSnapshotContent(long JournalSequence, string Kind, string? ExtraSectionName = null, ReadOnlyMemory<byte> ExtraSection = default)
{
    /// <summary>The tag that names what wrote a snapshot.</summary>
    public const string KindTag = "journal";
}
