namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt prune --json</c>: what was deleted (or would be, when <see cref="DryRun"/>) and what stays.</summary>
internal sealed record PruneReport(
    string ProcessType,
    string Name,
    bool DryRun,
    int KeepLast,
    string? KeepBest,
    IReadOnlyList<PrunedCheckpoint> Deleted,
    long DeletedBytes,
    IReadOnlyList<string> Kept);
