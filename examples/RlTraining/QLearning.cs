using Checkpointing.Randomness;

namespace RlTraining;

/// <summary>Tabular Q-learning with an epsilon-greedy policy whose epsilon decays after every episode.</summary>
internal static class QLearning
{
    public const double LearningRate = 0.1;
    public const double Discount = 0.97;
    public const double EpsilonStart = 1.0;
    public const double EpsilonMin = 0.05;
    public const double EpsilonDecay = 0.995;

    /// <summary>Plays and learns from one episode, updating the Q-table, the generator, epsilon and the history in <paramref name="state"/>.</summary>
    public static double RunEpisode(AgentState state)
    {
        var rng = new CheckpointableRandom(state.Rng);
        var q = state.QTable;
        var s = GridWorld.Start;
        double total = 0;
        var steps = 0;
        for (var done = false; !done && steps < GridWorld.MaxSteps; steps++)
        {
            var action = rng.NextDouble() < state.Epsilon ? rng.Next(GridWorld.Actions) : Greedy(q, s, rng);
            var (next, reward, finished) = GridWorld.Step(s, action, rng);
            var target = finished ? reward : reward + (Discount * Max(q, next));
            q[Index(s, action)] += LearningRate * (target - q[Index(s, action)]);
            total += reward;
            s = next;
            done = finished;
        }

        state.Rng = rng.State;
        state.Epsilon = Math.Max(EpsilonMin, state.Epsilon * EpsilonDecay);
        state.Rewards.Add(total);
        state.Steps.Add(steps);
        state.Episode++;
        return total;
    }

    /// <summary>The best action in <paramref name="s"/>; ties broken at random.</summary>
    public static int Greedy(double[] q, int s, CheckpointableRandom rng)
    {
        var best = Max(q, s);
        Span<int> ties = stackalloc int[GridWorld.Actions];
        var count = 0;
        for (var a = 0; a < GridWorld.Actions; a++)
        {
            if (q[Index(s, a)] == best)
            {
                ties[count++] = a;
            }
        }

        return count == 1 ? ties[0] : ties[rng.Next(count)];
    }

    /// <summary>The best action in <paramref name="s"/>; ties go to the first.</summary>
    public static int BestAction(double[] q, int s)
    {
        var best = 0;
        for (var a = 1; a < GridWorld.Actions; a++)
        {
            if (q[Index(s, a)] > q[Index(s, best)])
            {
                best = a;
            }
        }

        return best;
    }

    public static int Index(int s, int a) => (s * GridWorld.Actions) + a;

    private static double Max(double[] q, int s)
    {
        var max = q[Index(s, 0)];
        for (var a = 1; a < GridWorld.Actions; a++)
        {
            max = Math.Max(max, q[Index(s, a)]);
        }

        return max;
    }
}
