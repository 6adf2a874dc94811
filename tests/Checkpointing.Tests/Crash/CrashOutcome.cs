namespace Checkpointing.Tests.Crash;

/// <summary>How a power cut resolves what was not yet durable; <see cref="Seed"/> drives every random choice.</summary>
internal readonly record struct CrashOutcome(NamespaceSurvival Namespace, DataSurvival Data, int Seed)
{
    /// <summary>The deterministic corner cases: unsynced names lost or kept, times unsynced data lost, kept or garbage.</summary>
    public static IReadOnlyList<CrashOutcome> Extremes { get; } =
    [
        new(NamespaceSurvival.SyncedOnly, DataSurvival.SyncedOnly, 0),
        new(NamespaceSurvival.SyncedOnly, DataSurvival.All, 0),
        new(NamespaceSurvival.SyncedOnly, DataSurvival.Garbage, 0),
        new(NamespaceSurvival.All, DataSurvival.SyncedOnly, 0),
        new(NamespaceSurvival.All, DataSurvival.All, 0),
        new(NamespaceSurvival.All, DataSurvival.Garbage, 0),
    ];

    public static CrashOutcome Random(int seed) => new(NamespaceSurvival.RandomPrefix, DataSurvival.Random, seed);

    public override string ToString() => Namespace == NamespaceSurvival.RandomPrefix || Data == DataSurvival.Random
        ? $"names {Namespace}, data {Data}, seed {Seed}"
        : $"names {Namespace}, data {Data}";
}
