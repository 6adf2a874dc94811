namespace Checkpointing.Cli.Reports;

/// <summary>A run's study (<c>study.journal</c>): its settings, trials and the health of its journal.</summary>
/// <param name="Journal">The journal file, every record verified.</param>
/// <param name="Direction"><c>Minimize</c> or <c>Maximize</c>; null when the journal has no readable header.</param>
/// <param name="FinishedTrials">Complete and failed trials.</param>
/// <param name="PlannedTrials">The newest valid checkpoint's total steps (what a study callback saves as the trial target); null without one. The journal does not record the target.</param>
/// <param name="Interruptions">Sessions that ended interrupted; a session still running counts, as it has not recorded its end.</param>
/// <param name="InterruptedTrialNumber">A trial started but never finished, which a resumed study runs again.</param>
/// <param name="Parameters">The search space; null in <c>ckpt list</c>.</param>
/// <param name="Trials">Every finished trial, in order; null in <c>ckpt list</c>.</param>
internal sealed record StudyReport(
    SegmentRow Journal,
    string? Direction,
    ulong? Seed,
    DateTimeOffset? CreatedUtc,
    int FinishedTrials,
    int CompleteTrials,
    int FailedTrials,
    long? PlannedTrials,
    int? BestTrialNumber,
    double? BestValue,
    int Sessions,
    int Interruptions,
    int? InterruptedTrialNumber,
    IReadOnlyList<ParameterRow>? Parameters,
    IReadOnlyList<TrialRow>? Trials);
