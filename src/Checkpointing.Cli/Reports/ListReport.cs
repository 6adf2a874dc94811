namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt list --json</c>.</summary>
internal sealed record ListReport(string Root, IReadOnlyList<RunSummary> Runs);
