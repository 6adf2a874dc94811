using Checkpointing.Randomness;

namespace Checkpointing.Studies;

/// <summary>
/// Chooses the parameters of the next trial. A sampler keeps no state of its own: it sees the
/// finished trials and draws every random number from the <see cref="CheckpointableRandom"/> it is given, whose state the
/// study saves with each trial. That is what makes a resumed study continue exactly.
/// </summary>
public interface ISampler
{
    /// <summary>
    /// Returns a value for every parameter of <paramref name="space"/>, each within its range or choices.
    /// Must be deterministic given the arguments and the state of <paramref name="random"/>.
    /// </summary>
    /// <param name="space">The study's search space.</param>
    /// <param name="trials">The finished trials so far, in order (complete and failed).</param>
    /// <param name="direction">Whether smaller or larger values are better.</param>
    /// <param name="random">The only source of randomness the sampler may use.</param>
    IReadOnlyDictionary<string, ParameterValue> Sample(
        SearchSpace space,
        IReadOnlyList<FinishedTrial> trials,
        StudyDirection direction,
        CheckpointableRandom random);
}
