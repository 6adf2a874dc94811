using Checkpointing.Randomness;

namespace RlTraining;

/// <summary>How the greedy policy (no exploration) of a Q-table does over fixed evaluation episodes.</summary>
internal sealed record Evaluation(int Episodes, double SuccessRate, double PitRate, double AverageReward, double AverageSteps)
{
    /// <summary>Plays <paramref name="episodes"/> greedy episodes with a generator of its own, so training's stream is untouched.</summary>
    public static Evaluation Run(double[] q, ulong seed, int episodes = 200)
    {
        var rng = new CheckpointableRandom(seed ^ 0x5EED_0F_E7A1UL);
        int successes = 0, pits = 0;
        double rewards = 0, steps = 0;
        for (var e = 0; e < episodes; e++)
        {
            var s = GridWorld.Start;
            for (var t = 0; t < GridWorld.MaxSteps; t++)
            {
                var (next, reward, done) = GridWorld.Step(s, QLearning.BestAction(q, s), rng);
                rewards += reward;
                steps++;
                s = next;
                if (done)
                {
                    successes += GridWorld.Cell(s) == 'G' ? 1 : 0;
                    pits += GridWorld.Cell(s) == 'X' ? 1 : 0;
                    break;
                }
            }
        }

        return new Evaluation(episodes, (double)successes / episodes, (double)pits / episodes, rewards / episodes, steps / episodes);
    }

    /// <summary>The greedy action in every free cell as an arrow, row by row.</summary>
    public static string[] Policy(double[] q)
    {
        var rows = new string[GridWorld.Size];
        for (var r = 0; r < GridWorld.Size; r++)
        {
            var row = new char[GridWorld.Size];
            for (var c = 0; c < GridWorld.Size; c++)
            {
                var s = (r * GridWorld.Size) + c;
                var cell = GridWorld.Cell(s);
                row[c] = cell is '.' or 'S' ? GridWorld.ActionArrows[QLearning.BestAction(q, s)] : cell;
            }

            rows[r] = new string(row);
        }

        return rows;
    }
}
