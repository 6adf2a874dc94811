namespace Checkpointing;

/// <summary>A checkpoint that was passed over while looking for the newest valid one.</summary>
/// <param name="FileName">The file's name in the run directory.</param>
/// <param name="Reason">What was wrong with it.</param>
/// <param name="QuarantinedTo">Where the file was moved (never deleted), or null when it was left in place (read-only access).</param>
public sealed record SkippedCheckpoint(string FileName, string Reason, string? QuarantinedTo);
