using System.Text.Json.Serialization;
using Checkpointing;
using Checkpointing.Randomness;

namespace RlTraining;

/// <summary>
/// Everything training needs to continue exactly: the run's settings, the Q-table, the exploration
/// schedule's current epsilon, the random generator's state, the episode counter and the reward
/// history. One instance is one checkpoint: the small fields as JSON, the Q-table as a float64
/// binary section of the same file (the way policy weights and optimizer moments are kept).
/// </summary>
internal sealed class AgentState : IBinarySectionsState
{
    private const string QTableSection = "q_table";

    public required ulong Seed { get; init; }

    public required int TotalEpisodes { get; init; }

    public int Episode { get; set; }

    public double Epsilon { get; set; }

    [JsonIgnore]
    public double[] QTable { get; private set; } = [];

    public RandomState Rng { get; set; }

    public List<double> Rewards { get; init; } = [];

    public List<int> Steps { get; init; } = [];

    public BinarySections GetSections() => new() { { QTableSection, QTable } };

    public void LoadSections(BinarySectionSet sections) => QTable = sections[QTableSection].ReadArray<double>();

    public static AgentState Start(ulong seed, int totalEpisodes) => new()
    {
        Seed = seed,
        TotalEpisodes = totalEpisodes,
        Epsilon = QLearning.EpsilonStart,
        QTable = new double[GridWorld.States * GridWorld.Actions],
        Rng = new CheckpointableRandom(seed).State,
    };
}
