namespace Checkpointing;

/// <summary>Everything a background save writes, owned by the save: nothing here is shared with the caller.</summary>
internal sealed record CapturedSave(
    ReadOnlyMemory<byte> State,
    string StateType,
    string SerializerName,
    long Step,
    long? TotalSteps,
    CheckpointStatus Status,
    IReadOnlyDictionary<string, double>? Metrics,
    IReadOnlyDictionary<string, string>? Tags,
    List<SectionContent>? Sections);
