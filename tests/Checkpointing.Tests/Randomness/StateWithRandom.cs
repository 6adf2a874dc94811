using Checkpointing.Randomness;

namespace Checkpointing.Tests.Randomness;

/// <summary>A user's checkpoint state that keeps its generator's state beside its own data.</summary>
public sealed record StateWithRandom(int Episode, RandomState Rng);
