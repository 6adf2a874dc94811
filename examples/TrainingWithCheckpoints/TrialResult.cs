using Checkpointing.Studies;

namespace TrainingWithCheckpoints;

/// <summary>One finished trial in <see cref="StudyResult.TrialHistory"/>.</summary>
internal sealed record TrialResult(int Number, string State, double? Value, IReadOnlyDictionary<string, ParameterValue> Params);
