namespace Checkpointing.Hosting.Tests;

/// <summary>The worker under test: hashes step numbers, and blocks, fails or takes fake time where the script says.</summary>
public sealed class SumWorker(CheckpointedServiceDependencies dependencies, WorkerScript script, CheckpointedServiceOptions options)
    : CheckpointedBackgroundService<SumState>(dependencies, SumWorker.ProcessTypeName, SumWorker.RunName, options)
{
    public const string ProcessTypeName = "test";
    public const string RunName = "sum";

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // BackgroundService.StopAsync cancels the stopping token before its first await.
        var stopping = base.StopAsync(cancellationToken);
        script.StopCalled.TrySetResult();
        return stopping;
    }

    protected override SumState CreateInitialState() => new(0, script.Total);

    protected override long? GetTotalSteps(SumState state) => state.Total;

    protected override async ValueTask<SumState> ExecuteStepAsync(SumState state, long step, CancellationToken cancellationToken)
    {
        lock (script.StepsRun)
        {
            script.StepsRun.Add(step);
        }

        script.Clock?.Advance(script.StepTime);
        if (step == script.BlockAtStep)
        {
            script.Entered.TrySetResult();
            await script.Gate.Task.WaitAsync(cancellationToken);
        }

        state.Done.Add(step); // part of the step's work, done in place before it can fail
        if (step == script.FailAtStep)
        {
            throw new InvalidOperationException($"step {step} failed on purpose");
        }

        return state.Advance(step);
    }
}
