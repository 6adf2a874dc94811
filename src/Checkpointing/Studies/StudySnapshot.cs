using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// A plain, serialisable copy of a study's progress, for saving inside a periodic checkpoint with
/// <see cref="CheckpointManager.Save{T}(T, long, long?, CheckpointStatus, IReadOnlyDictionary{string, double}?, IReadOnlyDictionary{string, string}?, BinarySections?)"/>.
/// The study itself resumes from its journal; the snapshot makes the checkpoint self-describing.
/// </summary>
public sealed record StudySnapshot
{
    /// <summary>Whether smaller or larger values are better.</summary>
    public required StudyDirection Direction { get; init; }

    /// <summary>The seed the study was created with.</summary>
    public required ulong Seed { get; init; }

    /// <summary>Every finished trial, in order.</summary>
    public required IReadOnlyList<FinishedTrial> Trials { get; init; }

    /// <summary>The number of the best complete trial; null when no trial has completed.</summary>
    public int? BestTrialNumber { get; init; }

    /// <summary>The best value so far; null when no trial has completed.</summary>
    public double? BestValue { get; init; }

    /// <summary>The sampler's random state after the last finished trial.</summary>
    public required RandomState RandomState { get; init; }

    /// <summary>How many sessions (runs of the program) have worked on the study, this one included.</summary>
    public int Sessions { get; init; }
}
