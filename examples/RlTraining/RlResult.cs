namespace RlTraining;

/// <summary>
/// The final result written by <c>--results</c>: only what the seed determines (no times, no
/// session counts), so an interrupted-and-resumed run and an uninterrupted one with the same seed
/// produce the same bytes. The full Q-table and reward history make any divergence visible.
/// </summary>
internal sealed record RlResult(
    ulong Seed,
    int Episodes,
    double FinalEpsilon,
    Evaluation GreedyEvaluation,
    string[] Policy,
    double[] QTable,
    IReadOnlyList<double> RewardHistory,
    IReadOnlyList<int> StepHistory);
