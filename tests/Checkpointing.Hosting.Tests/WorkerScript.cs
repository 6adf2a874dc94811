using Microsoft.Extensions.Time.Testing;

namespace Checkpointing.Hosting.Tests;

/// <summary>What the test worker does at which step; the test waits on its signals.</summary>
public sealed class WorkerScript
{
    public long Total { get; init; } = 10;

    /// <summary>The step that waits for <see cref="Gate"/> after signalling <see cref="Entered"/>.</summary>
    public long? BlockAtStep { get; init; }

    public long? FailAtStep { get; init; }

    /// <summary>Advanced by <see cref="StepTime"/> during every step.</summary>
    public FakeTimeProvider? Clock { get; init; }

    public TimeSpan StepTime { get; init; }

    public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource StopCalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public List<long> StepsRun { get; } = [];
}
