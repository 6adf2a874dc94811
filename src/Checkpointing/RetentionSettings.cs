namespace Checkpointing;

/// <summary>
/// The retention rules a writer had in force when it saved a checkpoint (see <see cref="CheckpointOptions"/>
/// for what each rule does), as recorded in the checkpoint's manifest. A rule that was off is null.
/// </summary>
/// <param name="KeepLastN">How many of the newest checkpoints were kept; null: all (<see cref="CheckpointOptions.KeepLastN"/>).</param>
/// <param name="BestMetric">The metric that defines "best"; null: no best tracking (<see cref="CheckpointOptions.BestMetric"/>).</param>
/// <param name="KeepBestN">How many of the best were kept in addition; null without a <paramref name="BestMetric"/> (<see cref="CheckpointOptions.KeepBestN"/>).</param>
/// <param name="BestMetricMode">Whether lower or higher was better; null without a <paramref name="BestMetric"/> (<see cref="CheckpointOptions.BestMetricMode"/>).</param>
/// <param name="KeepEvery">One checkpoint per interval kept forever; null: off (<see cref="CheckpointOptions.KeepEvery"/>).</param>
/// <param name="MaxTotalBytes">The cap on the run's total size; null: none (<see cref="CheckpointOptions.MaxTotalBytes"/>).</param>
public sealed record RetentionSettings(
    int? KeepLastN,
    string? BestMetric,
    int? KeepBestN,
    BestMetricMode? BestMetricMode,
    TimeSpan? KeepEvery,
    long? MaxTotalBytes);
