namespace Checkpointing.Interrupts;

/// <summary>What happens to the unit of work (trial, episode, batch) that is running when a stop signal arrives.</summary>
public enum InterruptMode
{
    /// <summary>
    /// The running unit finishes, so its work is kept and nothing is redone after the restart; the
    /// loop stops before the next unit. <see cref="InterruptHandler.WorkToken"/> never fires. The default.
    /// </summary>
    FinishCurrentUnit = 0,

    /// <summary>
    /// The running unit is abandoned: <see cref="InterruptHandler.WorkToken"/> fires with the stop
    /// signal, so work that observes it stops early and is redone after the restart. Use it when a
    /// unit can take longer than the grace period.
    /// </summary>
    Abandon = 1,
}
