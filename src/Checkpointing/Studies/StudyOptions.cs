using Microsoft.Extensions.Logging;

namespace Checkpointing.Studies;

/// <summary>
/// How a <see cref="Study"/> searches. <see cref="Direction"/> and <see cref="Seed"/> are fixed when the study is
/// created (resuming with others fails with <see cref="StudyMismatchException"/>); the rest apply to each session.
/// </summary>
public sealed class StudyOptions
{
    /// <summary>Whether smaller or larger objective values are better. Default <see cref="StudyDirection.Minimize"/>.</summary>
    public StudyDirection Direction { get; init; } = StudyDirection.Minimize;

    /// <summary>
    /// Chooses each trial's parameters. Default: a new <see cref="TpeSampler"/> with its defaults. It may differ
    /// between sessions, but only the same sampler makes a resumed study identical to an uninterrupted one.
    /// </summary>
    public ISampler? Sampler { get; init; }

    /// <summary>Seeds the sampler's random stream. Default 0. A resumed study must be given the seed it was created with.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// When true (the default, as in Optuna) an exception from the objective is recorded as a
    /// <see cref="TrialState.Failed"/> trial and the study goes on; when false it is recorded and then rethrown.
    /// </summary>
    public bool CatchObjectiveExceptions { get; init; } = true;

    /// <summary>The clock for trial durations and timestamps. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Where the study logs what it resumed and each finished trial (at Debug). Default: no logging.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    internal void Validate()
    {
        if (!Enum.IsDefined(Direction))
        {
            throw new ArgumentException($"StudyOptions.Direction must be Minimize or Maximize; got {(int)Direction}.", nameof(Direction));
        }
    }
}
