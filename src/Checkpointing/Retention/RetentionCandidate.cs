using Checkpointing.Storage;

namespace Checkpointing.Retention;

/// <summary>What retention needs to know about one checkpoint.</summary>
/// <param name="Name">The parsed file name (step and time).</param>
/// <param name="StoredBytes">Its size on disk.</param>
/// <param name="BestValue">Its value of the tracked best metric, when it has one.</param>
internal sealed record RetentionCandidate(CheckpointFileName Name, long StoredBytes, double? BestValue);
