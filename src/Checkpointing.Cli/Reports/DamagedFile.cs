namespace Checkpointing.Cli.Reports;

/// <summary>A checkpoint file that failed verification, and why.</summary>
internal sealed record DamagedFile(string FileName, string Reason);
