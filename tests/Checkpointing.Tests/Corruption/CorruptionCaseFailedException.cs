namespace Checkpointing.Tests.Corruption;

/// <summary>Names the damage that a failing corruption case applied, so the failure can be reproduced.</summary>
public sealed class CorruptionCaseFailedException(string description, Exception inner)
    : Exception($"Case '{description}' failed: {inner.GetType().Name}: {inner.Message}", inner);
