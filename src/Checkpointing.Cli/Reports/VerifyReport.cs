namespace Checkpointing.Cli.Reports;

/// <summary>The output of <c>ckpt verify --json</c>: <see cref="Ok"/> is true when every checkpoint file verified (the exit code is then 0).</summary>
internal sealed record VerifyReport(string Root, bool Ok, int Checked, int Valid, int Damaged, int Quarantined, IReadOnlyList<VerifiedFile> Files);
