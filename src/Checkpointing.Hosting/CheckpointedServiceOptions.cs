using Checkpointing.Interrupts;

namespace Checkpointing.Hosting;

/// <summary>
/// How a <see cref="CheckpointedBackgroundService{TState}"/> saves and stops. Every property has a working
/// default; the service validates them when it is constructed.
/// </summary>
public sealed class CheckpointedServiceOptions
{
    /// <summary>
    /// Save after a step when this long has passed since the previous save (or since the start). Default:
    /// 1 minute, so a <c>kill -9</c> or power cut loses at most about a minute of work. Null turns it off;
    /// otherwise it must be positive.
    /// </summary>
    public TimeSpan? SaveEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Save when the number of finished steps is a multiple of N. Default: null (off). Must be positive when set.</summary>
    public int? SaveEveryNSteps { get; set; }

    /// <summary>
    /// What happens to the running step when the host stops. <see cref="InterruptMode.FinishCurrentUnit"/>
    /// (the default): the step receives a token that does not fire on stop, finishes, and is in the final
    /// checkpoint; the longest step then counts toward the stop time checked against the shutdown timeout.
    /// <see cref="InterruptMode.Abandon"/>: the step receives the stopping token; if it throws
    /// <see cref="OperationCanceledException"/>, the final checkpoint holds the state from before the step,
    /// which runs again after the restart.
    /// </summary>
    public InterruptMode InterruptMode { get; set; } = InterruptMode.FinishCurrentUnit;

    /// <summary>
    /// Whether the service stops the application (<c>IHostApplicationLifetime.StopApplication</c>) once its
    /// work is done, or when it starts and finds its run already completed. Right for a batch job whose
    /// process should end with the job; turn it off when the host runs other services. Default: true.
    /// </summary>
    public bool StopApplicationWhenCompleted { get; set; } = true;
}
