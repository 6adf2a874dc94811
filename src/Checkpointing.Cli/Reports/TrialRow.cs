using Checkpointing.Studies;

namespace Checkpointing.Cli.Reports;

/// <summary>One finished trial of a study.</summary>
/// <param name="State"><c>Complete</c> or <c>Failed</c>.</param>
/// <param name="Value">The objective's value; null for a failed trial.</param>
/// <param name="IsBest">This is the study's best trial.</param>
/// <param name="BestSoFar">The best value among this trial and those before it; null until one completes.</param>
/// <param name="Params">The parameters, in search-space order: numbers, and strings for categorical ones.</param>
internal sealed record TrialRow(
    int Number,
    string State,
    double? Value,
    bool IsBest,
    double? BestSoFar,
    IReadOnlyDictionary<string, ParameterValue> Params,
    double DurationSeconds,
    DateTimeOffset FinishedUtc,
    string? Error);
