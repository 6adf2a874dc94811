namespace Checkpointing.Studies;

/// <summary>
/// A trial that has ended and is recorded in the study's journal. Plain data: serialisable with
/// System.Text.Json (reflection or source generation).
/// </summary>
public sealed record FinishedTrial
{
    /// <summary>The trial's 0-based number in the study.</summary>
    public required int Number { get; init; }

    /// <summary>The parameters the sampler chose, by name, in the order of the search space.</summary>
    public required IReadOnlyDictionary<string, ParameterValue> Params { get; init; }

    /// <summary>The objective's value; null when the trial failed.</summary>
    public double? Value { get; init; }

    /// <summary>How the trial ended.</summary>
    public required TrialState State { get; init; }

    /// <summary>How long the objective ran.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>When the trial finished (from the study's <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset FinishedAt { get; init; }

    /// <summary>The exception type and message when the trial failed; otherwise null.</summary>
    public string? Error { get; init; }

    /// <summary>Values the objective reported with <see cref="Trial.Report(long, double)"/>, by step; empty when none.</summary>
    public IReadOnlyDictionary<long, double> IntermediateValues { get; init; } = EmptyIntermediateValues;

    internal static readonly IReadOnlyDictionary<long, double> EmptyIntermediateValues = new Dictionary<long, double>();
}
