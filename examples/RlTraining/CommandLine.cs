using System.Globalization;

namespace RlTraining;

/// <summary>The example contract's options, plus <c>--episodes</c> and <c>--episode-ms</c>.</summary>
internal sealed record CommandLine
{
    public const string Usage = """
        Usage: dotnet run --project examples/RlTraining -- [options]

          --checkpoint-dir DIR   where checkpoints go (default: checkpoints)
          --seed N               random seed; the result is the same for the same seed (default: 42)
          --episodes N           episodes to train (default: 1000)
          --episode-ms N         simulated extra time per episode, as a slower environment would take,
                                 in milliseconds (default: 10; 0 runs as fast as the CPU allows)
          --yes, -y              resume without asking (also when stdin is not a terminal)
          --fresh                delete this run's checkpoints and start over
          --results FILE         write the final result as JSON
          --help, -h             show this help
        """;

    public string CheckpointDirectory { get; init; } = "checkpoints";

    public ulong Seed { get; init; } = 42;

    public bool SeedGiven { get; init; }

    public int Episodes { get; init; } = 1000;

    public bool EpisodesGiven { get; init; }

    public int EpisodeMilliseconds { get; init; } = 10;

    public bool Yes { get; init; }

    public bool Fresh { get; init; }

    public string? ResultsFile { get; init; }

    public bool Help { get; init; }

    /// <summary>Parses <paramref name="args"/>; returns null and sets <paramref name="error"/> when they are invalid.</summary>
    public static CommandLine? Parse(string[] args, out string? error)
    {
        error = null;
        var result = new CommandLine();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Value()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value.");
                }

                return args[++i];
            }

            try
            {
                result = arg switch
                {
                    "--checkpoint-dir" => result with { CheckpointDirectory = Value() },
                    "--seed" => result with { Seed = ulong.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture), SeedGiven = true },
                    "--episodes" => result with { Episodes = Positive(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture), arg), EpisodesGiven = true },
                    "--episode-ms" => result with { EpisodeMilliseconds = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture) },
                    "--yes" or "-y" => result with { Yes = true },
                    "--fresh" => result with { Fresh = true },
                    "--results" => result with { ResultsFile = Value() },
                    "--help" or "-h" => result with { Help = true },
                    _ => throw new FormatException($"Unknown option '{arg}'."),
                };
            }
            catch (Exception ex) when (ex is FormatException or OverflowException)
            {
                error = ex is OverflowException ? $"The value of {arg} is out of range." : ex.Message;
                return null;
            }
        }

        return result;
    }

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new FormatException($"{name} must be at least 1.");
}
