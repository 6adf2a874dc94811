namespace Checkpointing.Cli.Reporting;

/// <summary>The reward of every episode so far, read from a top-level array of the newest valid checkpoint's state.</summary>
/// <param name="Property">The state property the rewards came from, e.g. <c>Rewards</c>.</param>
internal sealed record RewardHistory(IReadOnlyList<double> Rewards, string Property, string CheckpointId);
