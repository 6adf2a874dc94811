using System.Runtime.InteropServices;

namespace QuickStart;

/// <summary>
/// Turns SIGINT (Ctrl+C) and SIGTERM into a request to stop after the current step, instead of
/// letting the runtime end the process at once.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;
    private int _signal;

    public StopSignal()
    {
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    public bool IsRequested => Volatile.Read(ref _signal) != 0;

    public string Name => (PosixSignal)Volatile.Read(ref _signal) == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    /// <summary>128 + the signal number, as a shell reports a process killed by it: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => (PosixSignal)Volatile.Read(ref _signal) == PosixSignal.SIGTERM ? 143 : 130;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        var name = context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";
        if (Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0) == 0)
        {
            Console.WriteLine();
            Console.WriteLine($"{name} received: finishing the current step, then saving a final checkpoint...");
        }
        else
        {
            Console.WriteLine($"{name} received again: already stopping, the final checkpoint is being written.");
        }
    }
}
