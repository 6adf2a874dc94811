using Checkpointing.Examples;

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
    public static CommandLine? Parse(string[] args, out string? error) =>
        ArgumentReader.Parse(args, new CommandLine(), static (result, r) => r.Current switch
        {
            "--checkpoint-dir" => result with { CheckpointDirectory = r.Value() },
            "--seed" => result with { Seed = r.ULong(), SeedGiven = true },
            "--episodes" => result with { Episodes = Positive(r.Int(), r.Current), EpisodesGiven = true },
            "--episode-ms" => result with { EpisodeMilliseconds = r.Int() },
            "--yes" or "-y" => result with { Yes = true },
            "--fresh" => result with { Fresh = true },
            "--results" => result with { ResultsFile = r.Value() },
            "--help" or "-h" => result with { Help = true },
            _ => throw r.Unknown(),
        }, out error);

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new FormatException($"{name} must be at least 1.");
}
