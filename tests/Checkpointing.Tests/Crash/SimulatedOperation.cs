namespace Checkpointing.Tests.Crash;

/// <summary>One counted primitive operation: its 1-based number, what it was and the path it touched.</summary>
internal readonly record struct SimulatedOperation(int Number, SimulatedOperationKind Kind, string Path)
{
    /// <summary>Stat-like calls that the real file system answers with a bool and never fails.</summary>
    public bool CanFail => Kind is not (SimulatedOperationKind.DirectoryExists or SimulatedOperationKind.FileExists);

    public override string ToString() => $"#{Number} {Kind} {System.IO.Path.GetFileName(Path)}";
}
