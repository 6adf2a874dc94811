using Microsoft.Extensions.Logging;

namespace Checkpointing.Hosting.Diagnostics;

/// <summary>The hosting package's log messages: event ids 300–349 (the core library uses ids below 300).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(300, LogLevel.Information, "Resumed run {ProcessType}/{Name} from checkpoint {CheckpointId} at step {Step} (status {Status})")]
    public static partial void Resumed(ILogger logger, string processType, string name, string checkpointId, long step, CheckpointStatus status);

    [LoggerMessage(301, LogLevel.Information, "Starting run {ProcessType}/{Name} fresh: it has no checkpoint")]
    public static partial void StartingFresh(ILogger logger, string processType, string name);

    [LoggerMessage(302, LogLevel.Information, "Run {ProcessType}/{Name} already completed at step {Step} (checkpoint {CheckpointId}); nothing to do")]
    public static partial void AlreadyCompleted(ILogger logger, string processType, string name, long step, string checkpointId);

    [LoggerMessage(303, LogLevel.Information, "Run {ProcessType}/{Name} completed at step {Step}; final checkpoint {CheckpointId} is durable")]
    public static partial void Completed(ILogger logger, string processType, string name, long step, string checkpointId);

    [LoggerMessage(304, LogLevel.Information, "Host stopping: run {ProcessType}/{Name} saved its final checkpoint {CheckpointId} at step {Step} (Interrupted) in {ElapsedMs:F1} ms; it resumes there on the next start")]
    public static partial void Interrupted(ILogger logger, string processType, string name, string checkpointId, long step, double elapsedMs);

    [LoggerMessage(305, LogLevel.Information, "Host stopping: step {Step} of run {ProcessType}/{Name} was abandoned; it runs again after the restart")]
    public static partial void StepAbandoned(ILogger logger, string processType, string name, long step);

    [LoggerMessage(306, LogLevel.Error, "Step {Step} of run {ProcessType}/{Name} failed; the state before it was saved as Failed and the step runs again on the next start")]
    public static partial void StepFailed(ILogger logger, Exception exception, string processType, string name, long step);

    [LoggerMessage(307, LogLevel.Error, "Saving the final checkpoint ({Status}) of run {ProcessType}/{Name} at step {Step} failed; the run resumes from its previous checkpoint")]
    public static partial void FinalSaveFailed(ILogger logger, Exception exception, string processType, string name, long step, CheckpointStatus status);

    [LoggerMessage(308, LogLevel.Warning, "A final checkpoint of run {ProcessType}/{Name} could take {WorstSeconds:F1} s (save {SaveSeconds:F1} s, step {StepSeconds:F1} s), more than the {BudgetSeconds:F1} s the host allows (HostOptions.ShutdownTimeout {TimeoutSeconds:F1} s less a 10% margin); the process may end before it is durable. Raise HostOptions.ShutdownTimeout and the platform's grace period (docker stop --time, Kubernetes terminationGracePeriodSeconds, systemd TimeoutStopSec), or make saves and steps shorter")]
    public static partial void StopMayExceedShutdownTimeout(ILogger logger, string processType, string name, double worstSeconds, double saveSeconds, double stepSeconds, double budgetSeconds, double timeoutSeconds);

    [LoggerMessage(309, LogLevel.Error, "The host's shutdown timeout ({TimeoutSeconds:F1} s) ran out before the final checkpoint of run {ProcessType}/{Name} had finished; if the process ends before it does, the next start resumes from the newest durable checkpoint (step {Step} or, if the final one completes, the step it saves). Raise HostOptions.ShutdownTimeout")]
    public static partial void ShutdownTimedOut(ILogger logger, double timeoutSeconds, string processType, string name, long? step);
}
