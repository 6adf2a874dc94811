namespace Checkpointing.TestChild;

/// <summary>What <see cref="RunCheck.Run"/> found in a run after a crash.</summary>
/// <param name="TempBefore">Temp files (<c>*.tmp-*</c>) in the run directory before it was opened.</param>
/// <param name="TempAfter">Temp files left after the manager opened it.</param>
/// <param name="LatestStep">The step of the newest valid checkpoint, or null when the run has none.</param>
/// <param name="Skipped">Checkpoints the loader had to skip as damaged.</param>
/// <param name="Problem">Null when the newest checkpoint's state is exactly what its step saved.</param>
public sealed record RunCheckResult(int TempBefore, int TempAfter, long? LatestStep, int Skipped, string? Problem);
