using Checkpointing.Interrupts;
using Microsoft.Extensions.Logging;

namespace Checkpointing.Training;

/// <summary>
/// When a <see cref="TrainingCheckpointCallback"/> saves. The policies combine: a hook saves once when
/// any of them fires, and the checkpoint's <c>trigger</c> tag lists which did. Every property has a
/// working default; the callback validates them when it is created.
/// </summary>
public sealed class TrainingCheckpointOptions
{
    /// <summary>Save when the number of finished trials is a multiple of N (the seed's <c>save_every_n_trials</c>). Default: null (off). Must be positive when set.</summary>
    public int? SaveEveryNTrials { get; set; }

    /// <summary>Save when the number of finished episodes (episode index + 1) is a multiple of N. Default: null (off). Must be positive when set.</summary>
    public int? SaveEveryNEpisodes { get; set; }

    /// <summary>Save when the number of finished steps is a multiple of N. Default: null (off). Must be positive when set.</summary>
    public int? SaveEveryNSteps { get; set; }

    /// <summary>
    /// Save at the first hook at least this long after the previous save (or after the callback was
    /// created), measured with <see cref="TimeProvider"/>. Default: null (off). Must be positive when set.
    /// </summary>
    public TimeSpan? SaveEvery { get; set; }

    /// <summary>
    /// Save whenever this metric (a key of the metrics passed to a hook; <c>reward</c> for episodes,
    /// <c>value</c> and <c>best_value</c> for study trials) is strictly better than every value seen so
    /// far, including those recorded in the run's earlier checkpoints (the seed's <c>save_on_improvement</c>).
    /// NaN and infinities are never an improvement. Default: null (off).
    /// </summary>
    public string? SaveOnImprovement { get; set; }

    /// <summary>Whether a lower or a higher <see cref="SaveOnImprovement"/> metric is better. Default: <see cref="BestMetricMode.Min"/>.</summary>
    public BestMetricMode ImprovementMode { get; set; } = BestMetricMode.Min;

    /// <summary>Whether <see cref="TrainingCheckpointCallback.OnInterrupted{TState}"/> saves (status <see cref="CheckpointStatus.Interrupted"/>). Default: true.</summary>
    public bool SaveOnInterrupt { get; set; } = true;

    /// <summary>Whether <see cref="TrainingCheckpointCallback.OnCompleted{TState}"/> saves (status <see cref="CheckpointStatus.Completed"/>). Default: true.</summary>
    public bool SaveOnCompletion { get; set; } = true;

    /// <summary>Whether <see cref="TrainingCheckpointCallback.OnFailed{TState}"/> saves (status <see cref="CheckpointStatus.Failed"/>, with the error in the tags). Default: true.</summary>
    public bool SaveOnFailure { get; set; } = true;

    /// <summary>
    /// The process's interrupt handler, if any: every save's duration and every unit's duration are
    /// reported to it (so it can warn when a final save would not fit the grace period), and interrupted
    /// checkpoints get a <c>signal</c> tag. Default: null.
    /// </summary>
    public InterruptHandler? InterruptHandler { get; set; }

    /// <summary>The clock for <see cref="SaveEvery"/> and for measuring saves and units. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where log messages go. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
