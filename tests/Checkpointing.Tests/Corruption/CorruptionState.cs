namespace Checkpointing.Tests.Corruption;

/// <summary>A small state with value equality, so a loaded state can be compared exactly.</summary>
public sealed record CorruptionState(string Label, long Counter, double Value, string Notes);
