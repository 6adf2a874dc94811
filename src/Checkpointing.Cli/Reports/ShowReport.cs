namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt show --json</c>: the run's readable checkpoints, oldest first, and the files whose footer could not be read.</summary>
internal sealed record ShowReport(string ProcessType, string Name, IReadOnlyList<CheckpointRow> Checkpoints, IReadOnlyList<string> Unreadable);
