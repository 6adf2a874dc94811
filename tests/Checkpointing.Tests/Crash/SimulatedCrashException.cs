namespace Checkpointing.Tests.Crash;

/// <summary>
/// Thrown by <see cref="SimulatedFileSystem"/> from the first operation after the configured crash
/// point onward. It is deliberately not an <see cref="IOException"/>, so the code under test cannot
/// catch it as an I/O failure and carry on: the "process" stops where the power went out.
/// </summary>
internal sealed class SimulatedCrashException(int operationNumber)
    : Exception($"Simulated power cut: operation {operationNumber} never ran.")
{
    public int OperationNumber { get; } = operationNumber;
}
