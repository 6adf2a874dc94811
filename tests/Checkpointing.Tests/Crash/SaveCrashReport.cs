using Checkpointing.Storage;

namespace Checkpointing.Tests.Crash;

/// <summary>What <see cref="SaveCrashHarness.Run"/> checked for one payload size, and every breach it found.</summary>
internal sealed record SaveCrashReport(
    int PayloadSize,
    LocalStoreFaults Faults,
    int OperationsPerSave,
    int CrashPoints,
    int ImagesChecked,
    int LoadedOld,
    int LoadedNew,
    IReadOnlyList<string> SaveOperations,
    IReadOnlyList<string> Violations)
{
    public string Summary =>
        $"size {PayloadSize}, faults {Faults}: {OperationsPerSave} operations per save, {CrashPoints} crash points, {ImagesChecked} crash images (restart loaded old {LoadedOld}, new {LoadedNew}), {Violations.Count} violation(s); a save is {string.Join(" ", SaveOperations)}";
}
