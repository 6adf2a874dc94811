using Checkpointing.Randomness;

namespace RlTraining;

/// <summary>
/// Everything training needs to continue exactly: the run's settings, the Q-table, the exploration
/// schedule's current epsilon, the random generator's state, the episode counter and the reward
/// history. One instance is one checkpoint.
/// </summary>
internal sealed class AgentState
{
    public required ulong Seed { get; init; }

    public required int TotalEpisodes { get; init; }

    public int Episode { get; set; }

    public double Epsilon { get; set; }

    public required double[] QTable { get; init; }

    public RandomState Rng { get; set; }

    public List<double> Rewards { get; init; } = [];

    public List<int> Steps { get; init; } = [];

    public static AgentState Start(ulong seed, int totalEpisodes) => new()
    {
        Seed = seed,
        TotalEpisodes = totalEpisodes,
        Epsilon = QLearning.EpsilonStart,
        QTable = new double[GridWorld.States * GridWorld.Actions],
        Rng = new CheckpointableRandom(seed).State,
    };
}
