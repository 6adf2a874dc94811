using Checkpointing.Randomness;

namespace RlTraining;

/// <summary>
/// An 8×8 slippery grid world: start at S (top left), reach the goal G (bottom right) for +1, fall
/// into a pit X for −1 (both end the episode), walls # block moves, and every step costs 0.01. A move
/// slips sideways with probability 10 %, drawn from the random generator, so the best policy keeps
/// its distance from the pits.
/// </summary>
internal static class GridWorld
{
    public const int Size = 8;
    public const int States = Size * Size;
    public const int Actions = 4;
    public const int MaxSteps = 100;
    public const double SlipProbability = 0.1;

    public static readonly string[] Layout =
    [
        "S...#...",
        ".##.#.#.",
        "....#.#.",
        ".#X...#.",
        ".#..X...",
        "...#.##.",
        ".X.#....",
        "...#..XG",
    ];

    public static readonly char[] ActionArrows = ['↑', '→', '↓', '←'];

    private static readonly (int Row, int Column)[] Moves = [(-1, 0), (0, 1), (1, 0), (0, -1)];

    public static int Start => 0;

    public static char Cell(int state) => Layout[state / Size][state % Size];

    /// <summary>Takes <paramref name="action"/> in <paramref name="state"/>; returns the next state, the reward and whether the episode ended.</summary>
    public static (int Next, double Reward, bool Done) Step(int state, int action, CheckpointableRandom rng)
    {
        if (rng.NextDouble() < SlipProbability)
        {
            action = (action + (rng.NextBoolean() ? 1 : 3)) % Actions;
        }

        var (row, column) = (state / Size, state % Size);
        var (r, c) = (row + Moves[action].Row, column + Moves[action].Column);
        var next = r is < 0 or >= Size || c is < 0 or >= Size || Layout[r][c] == '#' ? state : (r * Size) + c;
        return Cell(next) switch
        {
            'G' => (next, 1.0, true),
            'X' => (next, -1.0, true),
            _ => (next, -0.01, false),
        };
    }
}
