using Checkpointing.Studies;

namespace TrainingWithCheckpoints;

/// <summary>
/// The final result written by <c>--results</c>: only what the seed determines (no times, no
/// session counts), so an interrupted-and-resumed study and an uninterrupted one with the same seed
/// produce the same bytes.
/// </summary>
internal sealed record StudyResult(
    ulong Seed,
    int Trials,
    string Objective,
    string Direction,
    int? BestTrial,
    double? BestValue,
    IReadOnlyDictionary<string, ParameterValue>? BestParams,
    double? BestValidationAccuracy,
    IReadOnlyList<TrialResult> TrialHistory);

