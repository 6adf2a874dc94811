namespace Checkpointing.Cli.Reports;

/// <summary>One checkpoint <c>ckpt prune</c> deleted (or, with <c>--dry-run</c>, would delete).</summary>
internal sealed record PrunedCheckpoint(string Id, long? Step, long Bytes);
