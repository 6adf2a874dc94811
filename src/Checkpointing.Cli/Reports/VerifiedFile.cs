namespace Checkpointing.Cli.Reports;

/// <summary>One checkpoint file checked by <c>ckpt verify</c>; <see cref="Reason"/> says what is wrong when it is not valid.</summary>
internal sealed record VerifiedFile(string ProcessType, string Name, string FileName, bool Valid, string? Reason);
