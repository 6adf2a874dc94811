using Checkpointing.Hosting;
using Microsoft.Extensions.Logging;

namespace WorkerService;

/// <summary>
/// The batch job as a checkpointed background service: one step is one batch of records. The base class
/// resumes the run when the host starts, saves every <see cref="CommandLine.SaveEvery"/> batches, and writes
/// the final checkpoint when the host stops (SIGTERM, Ctrl+C) or the job is done.
/// </summary>
internal sealed partial class BatchWorker(CheckpointedServiceDependencies dependencies, CommandLine settings, ILogger<BatchWorker> logger)
    : CheckpointedBackgroundService<BatchState>(dependencies, ProcessTypeName, RunName, new CheckpointedServiceOptions { SaveEveryNSteps = settings.SaveEvery })
{
    public const string ProcessTypeName = "batch";
    public const string RunName = "transactions";

    protected override BatchState CreateInitialState() => BatchState.Start(settings.Seed, settings.Records, settings.BatchSize);

    protected override long? GetTotalSteps(BatchState state) => state.Batches;

    protected override async ValueTask<BatchState> ExecuteStepAsync(BatchState state, long step, CancellationToken cancellationToken)
    {
        var next = state.ProcessNextBatch();
        if (settings.BatchMilliseconds > 0)
        {
            await Task.Delay(settings.BatchMilliseconds, cancellationToken);
        }

        LogBatch(logger, step + 1, next.Batches, next.Processed, next.Records, next.Rejected, next.Checksum);
        return next;
    }

    [LoggerMessage(1, LogLevel.Information, "Batch {Batch}/{Batches} done: {Processed}/{Records} records, {Rejected} rejected, checksum {Checksum:x16}")]
    private static partial void LogBatch(ILogger logger, long batch, int batches, int processed, int records, int rejected, ulong checksum);
}
