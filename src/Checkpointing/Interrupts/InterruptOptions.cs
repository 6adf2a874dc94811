using Microsoft.Extensions.Logging;

namespace Checkpointing.Interrupts;

/// <summary>
/// Settings of an <see cref="InterruptHandler"/>. Every property has a working default;
/// <see cref="InterruptHandler.Install(InterruptOptions?)"/> validates them.
/// </summary>
public sealed class InterruptOptions
{
    /// <summary>Whether the running unit of work finishes or is abandoned on the first signal. Default: <see cref="InterruptMode.FinishCurrentUnit"/>.</summary>
    public InterruptMode Mode { get; set; } = InterruptMode.FinishCurrentUnit;

    /// <summary>
    /// How long the platform waits after SIGTERM before it sends SIGKILL. Saves (and, with
    /// <see cref="InterruptMode.FinishCurrentUnit"/>, units of work) that would not fit in it are
    /// warned about as soon as one is recorded. Default: 30 seconds, Kubernetes' default
    /// <c>terminationGracePeriodSeconds</c>; <c>docker stop</c> waits only 10 seconds by default,
    /// systemd 90. Null turns the warning off; otherwise it must be positive.
    /// </summary>
    public TimeSpan? GracePeriod { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether a second signal ends the process at once, without waiting for the unit or the final
    /// save (a save cut short leaves the previous checkpoint intact). When false, further signals are
    /// ignored until the handler is disposed. Default: true.
    /// </summary>
    public bool ExitOnSecondSignal { get; set; } = true;

    /// <summary>What the program calls one unit of work, for the notice printed on the first signal (e.g. <c>trial</c>, <c>episode</c>). Default: <c>unit of work</c>.</summary>
    public string UnitName { get; set; } = "unit of work";

    /// <summary>Where the one-line notices for the person at the terminal go. Default: null, meaning <see cref="Console.Error"/>; use <see cref="TextWriter.Null"/> for silence.</summary>
    public TextWriter? Output { get; set; }

    /// <summary>Where log messages go. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }
}
