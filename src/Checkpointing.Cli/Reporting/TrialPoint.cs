namespace Checkpointing.Cli.Reporting;

/// <summary>One finished trial of a study: its 0-based number, its objective value (null when it failed) and when it finished.</summary>
internal sealed record TrialPoint(int Number, double? Value, DateTimeOffset? FinishedAt);
