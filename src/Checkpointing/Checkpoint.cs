namespace Checkpointing;

/// <summary>A loaded, verified checkpoint: the state and what is known about it.</summary>
/// <typeparam name="T">The state type.</typeparam>
/// <param name="State">The state as it was saved.</param>
/// <param name="Metadata">The checkpoint's metadata.</param>
/// <param name="Skipped">Newer checkpoints that were damaged and passed over to reach this one (empty normally).</param>
public sealed record Checkpoint<T>(T State, CheckpointMetadata Metadata, IReadOnlyList<SkippedCheckpoint> Skipped)
{
    /// <summary>The checkpoint's binary sections (verified when loaded, decoded when you read them); same as <c>Metadata.Sections</c>.</summary>
    public BinarySectionSet Sections => Metadata.Sections;
}
