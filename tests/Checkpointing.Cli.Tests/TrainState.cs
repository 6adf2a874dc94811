namespace Checkpointing.Cli.Tests;

/// <summary>The state the test runs save.</summary>
public sealed record TrainState(int Step, double[] Values);
