namespace Checkpointing.TestChild;

/// <summary>
/// The state the <c>bg-save-loop</c> child saves in the background: its step, beside a float64 section
/// whose every value derives from the step (<see cref="BackgroundSaveLoop.Fill"/>).
/// </summary>
public sealed record BgLoopState(long Step, int WeightCount);
