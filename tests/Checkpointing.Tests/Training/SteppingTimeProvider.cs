namespace Checkpointing.Tests.Training;

/// <summary>A clock whose timestamp moves forward by <see cref="Step"/> every time it is read, so each measured interval is exactly one step.</summary>
internal sealed class SteppingTimeProvider(TimeSpan step) : TimeProvider
{
    private long _ticks;

    public TimeSpan Step { get; } = step;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Add(ref _ticks, Step.Ticks);
}
